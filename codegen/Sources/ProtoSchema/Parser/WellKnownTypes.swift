/// Built-in sources for the well-known files a schema may import without
/// shipping them. They join `Schema.files` only when some file imports them.
enum WellKnownTypes {
    static let sources: [String: String] = [
        "google/protobuf/timestamp.proto": timestamp,
        "google/protobuf/duration.proto": duration,
    ]

    static let timestamp = """
        // Protocol Buffers - Google's data interchange format
        // Copyright 2008 Google Inc.  All rights reserved.
        // https://developers.google.com/protocol-buffers/

        syntax = "proto3";

        package google.protobuf;

        option cc_enable_arenas = true;
        option go_package = "google.golang.org/protobuf/types/known/timestamppb";
        option java_package = "com.google.protobuf";
        option java_outer_classname = "TimestampProto";
        option java_multiple_files = true;
        option objc_class_prefix = "GPB";
        option csharp_namespace = "Google.Protobuf.WellKnownTypes";

        // A Timestamp represents a point in time independent of any time zone or local
        // calendar, encoded as a count of seconds and fractions of seconds at
        // nanosecond resolution. The count is relative to an epoch at UTC midnight on
        // January 1, 1970, in the proleptic Gregorian calendar which extends the
        // Gregorian calendar backwards to year one.
        //
        // In JSON format, the Timestamp type is encoded as a string in the RFC 3339
        // format: "{year}-{month}-{day}T{hour}:{min}:{sec}[.{frac_sec}]Z".
        message Timestamp {
          // Represents seconds of UTC time since Unix epoch
          // 1970-01-01T00:00:00Z. Must be from 0001-01-01T00:00:00Z to
          // 9999-12-31T23:59:59Z inclusive.
          int64 seconds = 1;

          // Non-negative fractions of a second at nanosecond resolution. Negative
          // second values with fractions must still have non-negative nanos values
          // that count forward in time. Must be from 0 to 999,999,999
          // inclusive.
          int32 nanos = 2;
        }

        """

    static let duration = """
        // Protocol Buffers - Google's data interchange format
        // Copyright 2008 Google Inc.  All rights reserved.
        // https://developers.google.com/protocol-buffers/

        syntax = "proto3";

        package google.protobuf;

        option cc_enable_arenas = true;
        option go_package = "google.golang.org/protobuf/types/known/durationpb";
        option java_package = "com.google.protobuf";
        option java_outer_classname = "DurationProto";
        option java_multiple_files = true;
        option objc_class_prefix = "GPB";
        option csharp_namespace = "Google.Protobuf.WellKnownTypes";

        // A Duration represents a signed, fixed-length span of time represented
        // as a count of seconds and fractions of seconds at nanosecond
        // resolution. It is independent of any calendar and concepts like "day"
        // or "month". It is related to Timestamp in that the difference between
        // two Timestamp values is a Duration and it can be added or subtracted
        // from a Timestamp. Range is approximately +-10,000 years.
        //
        // In JSON format, the Duration type is encoded as a string rather than an
        // object, where the string ends in the suffix "s" (indicating seconds) and
        // is preceded by the number of seconds, with nanoseconds expressed as
        // fractional seconds.
        message Duration {
          // Signed seconds of the span of time. Must be from -315,576,000,000
          // to +315,576,000,000 inclusive.
          int64 seconds = 1;

          // Signed fractions of a second at nanosecond resolution of the span
          // of time. Durations less than one second are represented with a 0
          // `nanos` field. Negative durations are represented with a negative
          // `nanos` field with the same sign as the `seconds` field. Must be
          // from -999,999,999 to +999,999,999 inclusive.
          int32 nanos = 2;
        }

        """
}
