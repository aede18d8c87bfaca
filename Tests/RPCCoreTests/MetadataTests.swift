import RPCCore
import Testing

@Suite struct MetadataTests {
    @Test func keepsOrderAndAllValues() throws {
        var metadata = Metadata()
        try metadata.addString("a", forKey: "x-one")
        try metadata.addString("b", forKey: "x-two")
        try metadata.addString("c", forKey: "x-one")
        #expect(metadata.count == 3)
        #expect(metadata.keys == ["x-one", "x-two"])
        #expect(metadata[stringValues: "x-one"] == ["a", "c"])
        #expect(metadata.map(\.key) == ["x-one", "x-two", "x-one"])
        #expect(metadata.firstString(forKey: "x-two") == "b")
        #expect(metadata["absent"].isEmpty)
    }

    @Test func replaceKeepsFirstPositionAndRemoveDropsAll() throws {
        var metadata = try Metadata([("a", "1"), ("b", "2"), ("a", "3")])
        try metadata.replaceString("9", forKey: "a")
        #expect(metadata.map(\.key) == ["a", "b"])
        #expect(metadata[stringValues: "a"] == ["9"])
        try metadata.replaceString("new", forKey: "c")
        #expect(metadata.keys == ["a", "b", "c"])
        let removed = metadata.removeAllValues(forKey: "a")
        let removedAgain = metadata.removeAllValues(forKey: "a")
        #expect(removed)
        #expect(!removedAgain)
        #expect(metadata.keys == ["b", "c"])
    }

    @Test func binaryKeysCarryBytes() throws {
        var metadata = Metadata()
        try metadata.addBinary([0, 255, 10], forKey: "trace-bin")
        #expect(metadata[binaryValues: "trace-bin"] == [[0, 255, 10]])
        #expect(Metadata.isBinaryKey("trace-bin"))
        #expect(!Metadata.isBinaryKey("traceparent"))
        #expect(throws: Metadata.ValidationError(reason: .stringValueForBinaryKey, key: "trace-bin")) {
            try metadata.addString("x", forKey: "trace-bin")
        }
        #expect(throws: Metadata.ValidationError(reason: .binaryValueForStringKey, key: "trace")) {
            try metadata.addBinary([1], forKey: "trace")
        }
    }

    @Test(arguments: ["", "has space", "colon:", "ümlaut", "slash/", "tab\t"])
    func invalidKeysAreRefused(key: String) {
        var metadata = Metadata()
        #expect(throws: Metadata.ValidationError.self) { try metadata.addString("v", forKey: key) }
        #expect(metadata.isEmpty)
    }

    @Test(arguments: ["line\nbreak", "tab\there", "é", "\u{7F}"])
    func invalidStringValuesAreRefused(value: String) throws {
        var metadata = Metadata()
        let error = try #require(throws: Metadata.ValidationError.self) {
            try metadata.addString(value, forKey: "k")
        }
        #expect(error.reason == .invalidValueCharacter)
    }

    @Test func keysAreLowercasedAndValidCharactersAccepted() throws {
        var metadata = Metadata()
        try metadata.addString("00-abc-01", forKey: "traceparent")
        try metadata.addString("Bearer x.y~z", forKey: "Authorization")
        try metadata.addString("1", forKey: "x_a.b-c9")
        #expect(metadata.keys == ["traceparent", "authorization", "x_a.b-c9"])
        #expect(metadata.firstString(forKey: "AUTHORIZATION") == "Bearer x.y~z")
        #expect(metadata.contains(key: "Traceparent"))
    }

    @Test func equalityDependsOnOrder() throws {
        let one = try Metadata([("a", "1"), ("b", "2")])
        let two = try Metadata([("b", "2"), ("a", "1")])
        #expect(one != two)
        #expect(one == (try Metadata([("a", "1"), ("b", "2")])))
        var merged = one
        merged.add(contentsOf: two)
        #expect(merged.count == 4)
        #expect(Set([one, two, one]).count == 2)
    }
}
