/// Why a call to an engine failed, with enough context for an operator to act on it.
///
/// The message never carries a secret: backends must not put passwords, tokens
/// or URLs with credentials into it.
public struct BackendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum so new codes do not break callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case connectionRefused = "connection_refused"
            case hostNotFound = "host_not_found"
            case tls
            case unauthorized
            case forbidden
            case timeout
            case httpStatus = "http_status"
            case invalidResponse = "invalid_response"
            case responseTooLarge = "response_too_large"
            case notFound = "not_found"
            case unsupported
            case transport
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Nothing listens at the engine's address and port.
        public static let connectionRefused = Code(.connectionRefused)
        /// The engine's host name does not resolve.
        public static let hostNotFound = Code(.hostNotFound)
        /// TLS handshake or certificate verification failed.
        public static let tls = Code(.tls)
        /// The engine rejected the credentials.
        public static let unauthorized = Code(.unauthorized)
        /// The user lacks permission.
        public static let forbidden = Code(.forbidden)
        /// The engine did not answer in time.
        public static let timeout = Code(.timeout)
        /// The engine answered with an unexpected HTTP status.
        public static let httpStatus = Code(.httpStatus)
        /// The engine's answer could not be understood.
        public static let invalidResponse = Code(.invalidResponse)
        /// The engine's answer was larger than the engine's `max_response_bytes`; it was cut off there.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The requested object does not exist on the engine.
        public static let notFound = Code(.notFound)
        /// The backend does not support the operation.
        public static let unsupported = Code(.unsupported)
        /// Any other transport failure.
        public static let transport = Code(.transport)

        /// Stable machine-readable name (`connection_refused`).
        public var description: String { value.rawValue }
    }

    public var code: Code
    /// The engine (backend) name.
    public var engine: String
    /// A human-readable reason, including the engine's own fault text where there is one.
    public var message: String
    /// HTTP status, when the engine answered.
    public var httpStatus: Int?

    public init(_ code: Code, engine: String, message: String, httpStatus: Int? = nil) {
        self.code = code
        self.engine = engine
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String { "\(engine): \(message)" }
}
