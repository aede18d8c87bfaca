// The frame layer is part of this module's API.
@_exported import RPCFrames
