import ProtectionMessages
import ProtectionStore
import ProtoWire
import RPCCore

/// One list call's paging: the filters' fingerprint, the size asked for, where the
/// page starts; it cuts the items found into the page and its info.
struct ListPage {
    let fingerprint: String
    let size: Int
    let cursor: PageCursor?

    /// The paging of `request`, whose page query is at `page`.
    init<Request: ProtoMessage>(_ request: Request, page: WritableKeyPath<Request, PageQuery?>) throws {
        var filters = request
        filters[keyPath: page] = nil
        fingerprint = Paging.fingerprint(filters)
        size = try Paging.size(request[keyPath: page])
        cursor = try Paging.cursor(request[keyPath: page], filters: fingerprint)
    }

    /// What to ask the store for: one item more than the page, to know whether more follow.
    var storeRequest: PageRequest { PageRequest(limit: size + 1, after: cursor) }

    /// The page of `items` and its info.
    func cut<Item>(_ items: [Item], position: (Item) -> PageCursor) -> ([Item], PageInfo) {
        Paging.page(items, size: size, filters: fingerprint, position: position)
    }
}

/// Page sizes and opaque page tokens. A token holds the position after the last
/// item sent and a fingerprint of the filters, so that it is refused with other
/// filters.
struct Paging {
    static let defaultSize = 50
    static let maxSize = 500

    /// The number of items asked for: 0 → the default, over the maximum → the maximum.
    static func size(_ query: PageQuery?) throws -> Int {
        let asked = Int(query?.pageSize ?? 0)
        guard asked >= 0 else { throw ServiceError.invalid("page.page_size", "must not be negative") }
        return asked == 0 ? defaultSize : min(asked, maxSize)
    }

    /// The fingerprint of a list request's filters (the request without its page).
    static func fingerprint(_ filters: some ProtoMessage) -> String {
        String(SHA256.hex(filters.serializedBytes()).prefix(16))
    }

    /// The position a token continues from, or nil for the first page.
    static func cursor(_ query: PageQuery?, filters: String) throws -> PageCursor? {
        guard let token = query?.pageToken, !token.isEmpty else { return nil }
        guard let bytes = Base64.decode(token) else { throw badToken }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "p1", let time = Int64(parts[2]) else { throw badToken }
        guard parts[1] == filters else {
            throw ServiceError.invalid("page.page_token", "belongs to a list with other filters")
        }
        return PageCursor(time: time, id: String(parts[3]))
    }

    static func token(after cursor: PageCursor, filters: String) -> String {
        Base64.encode(Array("p1|\(filters)|\(cursor.time)|\(cursor.id)".utf8))
    }

    static var badToken: RPCError { ServiceError.invalid("page.page_token", "is not a token this server issued") }

    /// One page of `items` fetched with one item more than asked for: the page and,
    /// when more follow, the token of the next one.
    static func page<Item>(
        _ items: [Item], size: Int, filters: String, position: (Item) -> PageCursor
    ) -> ([Item], PageInfo) {
        var info = PageInfo()
        info.totalSize = -1
        guard items.count > size else { return (items, info) }
        let page = Array(items.prefix(size))
        info.nextPageToken = token(after: position(page[page.count - 1]), filters: filters)
        return (page, info)
    }
}
