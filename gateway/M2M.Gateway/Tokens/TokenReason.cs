namespace M2M.Gateway.Tokens;

/// <summary>
/// Why a token request or client assertion was refused: a stable label (metric label, audit
/// outcome, <see cref="Ingress.Seams.CredentialValidation.Reason"/>) with the HTTP status and the
/// OAuth error of docs/protocol.md section 9.1 (RFC 6749 section 5.2). <c>invalid_client</c> answers
/// never say which check failed; the label does, in metrics and the audit log only.
/// </summary>
public sealed record TokenReason(string Label, int Status, string Error, string Description)
{
    private const string ClientFailed = "client authentication failed";

    /// <summary>True when the refusal means the gateway could not check (registry or store down).</summary>
    public bool Unavailable => Status == StatusCodes.Status503ServiceUnavailable;

    // ValidateRequest (RFC 6749 sections 2.3.1, 3.2, 4.4.2 and 5.2).
    public static readonly TokenReason ParametersInQuery = BadRequest("query_string", "parameters must be sent in the request body, not in the URI");
    public static readonly TokenReason WrongContentType = BadRequest("wrong_content_type", "the body must be application/x-www-form-urlencoded");
    public static readonly TokenReason BodyTooLarge = new("body_too_large", StatusCodes.Status413PayloadTooLarge, "invalid_request", "the request body is too large");
    public static readonly TokenReason MalformedBody = BadRequest("malformed_body", "the body is not a valid form");
    public static readonly TokenReason RepeatedParameter = BadRequest("repeated_parameter", "a parameter appears more than once");
    public static readonly TokenReason MissingParameter = BadRequest("missing_parameter", "a required parameter is missing");
    public static readonly TokenReason UnsupportedGrantType = new("unsupported_grant_type", StatusCodes.Status400BadRequest, "unsupported_grant_type", "the grants are client_credentials and urn:ietf:params:oauth:grant-type:jwt-bearer");
    public static readonly TokenReason InvalidScope = new("invalid_scope", StatusCodes.Status400BadRequest, "invalid_scope", "no scopes are defined");
    public static readonly TokenReason NoClientAuthentication = Client("no_client_authentication");
    public static readonly TokenReason UnsupportedClientAuthentication = Client("unsupported_client_authentication");
    public static readonly TokenReason UnsupportedAssertionType = Client("unsupported_assertion_type");
    public static readonly TokenReason MalformedAuthorization = BadRequest("malformed_authorization", "the Authorization header is not Basic client credentials (RFC 6749 section 2.3.1)");
    public static readonly TokenReason RateLimited = new("rate_limited", StatusCodes.Status429TooManyRequests, "temporarily_unavailable", "too many requests");

    // ReadAssertion (RFC 7515, RFC 7519, RFC 7523 section 3).
    public static readonly TokenReason MalformedAssertion = BadRequest("malformed_assertion", "the client assertion is not a well-formed JWT");
    public static readonly TokenReason MissingClaim = BadRequest("missing_claim", "the client assertion lacks a required claim");
    public static readonly TokenReason InvalidClaim = BadRequest("invalid_claim", "a claim of the client assertion has the wrong type or form");
    public static readonly TokenReason UnsupportedAlgorithm = Client("unsupported_alg");

    // FindDevice, VerifyAssertion, ConsumeJti, CheckAssertionClaims (docs/protocol.md section 3.2).
    public static readonly TokenReason UnknownDevice = Client("unknown_device");
    public static readonly TokenReason DeviceDisabled = Client("device_disabled");
    public static readonly TokenReason BadSignature = Client("bad_signature");
    public static readonly TokenReason IssuerMismatch = Client("issuer_mismatch");
    public static readonly TokenReason ClientIdMismatch = Client("client_id_mismatch");
    public static readonly TokenReason WrongAudience = Client("wrong_audience");
    public static readonly TokenReason Expired = Client("expired");
    public static readonly TokenReason NotYetValid = Client("not_yet_valid");
    public static readonly TokenReason BadLifetime = Client("bad_lifetime");
    public static readonly TokenReason JtiReused = Client("jti_reused");
    public static readonly TokenReason RegistryUnavailable = Unavailable503("registry_unavailable");
    public static readonly TokenReason JtiStoreUnavailable = Unavailable503("jti_store_unavailable");

    // AuthenticateServiceClient (RFC 6749 sections 2.3.1 and 4.4, docs/tokens.md "Service clients").
    public static readonly TokenReason UnknownClient = Client("unknown_client");
    public static readonly TokenReason BadClientSecret = Client("bad_client_secret");
    public static readonly TokenReason ClientRevoked = Client("client_revoked");
    public static readonly TokenReason ClientExpired = Client("client_expired");

    // ExchangeFederatedAssertion (RFC 7523 sections 2.1 and 3.1, docs/tokens.md "Federation").
    public static readonly TokenReason FederationUnavailable = Unavailable503("federation_unavailable");

    /// <summary>
    /// A refused federation assertion: RFC 7523 section 3.1 answers every invalid grant assertion with
    /// 400 <c>invalid_grant</c>; the label (<c>assertion_</c> + why) says which check failed.
    /// </summary>
    public static TokenReason InvalidGrant(string reason) => new("assertion_" + reason, StatusCodes.Status400BadRequest, "invalid_grant", "the assertion was refused");

    // Revocation and introspection (RFC 7009 section 2.2.1, RFC 7662 section 2.3, RFC 6750 section 3.1).
    public static readonly TokenReason MultipleClientAuthentication = BadRequest("multiple_client_authentication", "use one client authentication method per request");
    public static readonly TokenReason InvalidBearer = Client("invalid_bearer");
    public static readonly TokenReason NotTheTokensClient = new("not_the_tokens_client", StatusCodes.Status400BadRequest, "unauthorized_client", "the token was not issued to this client");
    public static readonly TokenReason UnsupportedTokenType = new("external_token", StatusCodes.Status400BadRequest, "unsupported_token_type", "tokens of a trusted external issuer are revoked at that issuer");
    public static readonly TokenReason RevocationStoreUnavailable = Unavailable503("revocation_store_unavailable");

    /// <summary>An authenticated principal whose roles do not allow the request (403, RFC 6750 section 3.1), labelled with the access policy's reason.</summary>
    public static TokenReason Forbidden(string policyReason) =>
        new(policyReason, StatusCodes.Status403Forbidden, "insufficient_scope", "the credential's roles do not allow this request");

    private static TokenReason Unavailable503(string label) => new(label, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "try again later");

    private static TokenReason BadRequest(string label, string description) => new(label, StatusCodes.Status400BadRequest, "invalid_request", description);

    private static TokenReason Client(string label) => new(label, StatusCodes.Status401Unauthorized, "invalid_client", ClientFailed);
}
