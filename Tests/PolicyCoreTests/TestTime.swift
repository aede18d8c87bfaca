import ProtoWire

/// An instant from seconds since the epoch, for tests that count in days.
func ts(_ seconds: Int64) -> ProtoTimestamp { ProtoTimestamp(seconds: seconds, nanos: 0) }
