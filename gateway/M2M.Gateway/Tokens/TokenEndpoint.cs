using System.Text.Json.Serialization;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;
using M2M.Gateway.Tokens.Assertion;
using M2M.Gateway.Tokens.Federation;
using M2M.Gateway.Tokens.ServiceClients;

namespace M2M.Gateway.Tokens;

/// <summary>The successful response (RFC 6749 section 5.1).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

/// <summary>The error response (RFC 6749 section 5.2).</summary>
public sealed record TokenError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description);

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenError))]
internal sealed partial class TokenJson : JsonSerializerContext;

/// <summary>
/// POST /oauth2/token (docs/protocol.md section 3; RFC 6749 section 4.4, RFC 7523 sections 2.1 and
/// 2.2). The stages, in order: ValidateRequest, LimitClientRate, then by grant: for a device the
/// assertion stages of <see cref="ClientAssertionValidator"/> (ReadAssertion, FindDevice,
/// VerifyAssertion, ConsumeJti, CheckAssertionClaims); for a service client's secret
/// <see cref="AuthenticateServiceClient"/>; for a federation assertion
/// <see cref="ValidateFederatedAssertion"/> then <see cref="AuthenticateServiceClient"/>; and IssueToken. A request refused before the assertion stages still spends
/// every assertion it carried whose signature verifies (SpendAssertions). Each outcome is counted by
/// its reason (<c>m2m_token_requests_total</c>); each refusal goes to the audit log without the assertion.
/// </summary>
public static partial class TokenEndpoint
{
    /// <summary>Maps the endpoint with the per-address rate limit.</summary>
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(GatewayIssuer.TokenPath, HandleAsync).RequireRateLimiting(TokenRateLimits.AddressPolicy).DisableAntiforgery().WithName("RequestToken");
        return endpoints;
    }

    private static async Task HandleAsync(
        HttpContext http,
        ValidateTokenRequest validateRequest,
        TokenRateLimits rateLimits,
        ClientAssertionValidator assertions,
        AuthenticateServiceClient serviceClients,
        ValidateFederatedAssertion federation,
        IssueToken issueToken,
        IDeviceRegistry registry,
        TimeProvider time,
        GatewayMetrics metrics,
        IAuditLog audit,
        ILoggerFactory loggers)
    {
        var cancellationToken = http.RequestAborted;
        var validation = await validateRequest.RunAsync(http.Request, cancellationToken).ConfigureAwait(false);
        var request = validation.Request;
        if (request == null)
        {
            var signer = await SpendAssertionsAsync(assertions, validation.SeenAssertions, cancellationToken).ConfigureAwait(false);
            await RefuseAsync(http, validation.Reason!, signer, null, metrics, audit).ConfigureAwait(false);
            return;
        }

        var retryAfter = rateLimits.LimitClient(request);
        if (retryAfter != null)
        {
            // Checking the signature costs what checking a valid request costs, and the per-address
            // limit bounds that; what the per-client limit saves is the token, not the check.
            var signer = await SpendAssertionsAsync(assertions, validation.SeenAssertions, cancellationToken).ConfigureAwait(false);
            await RefuseAsync(http, TokenReason.RateLimited, signer, retryAfter, metrics, audit).ConfigureAwait(false);
            return;
        }

        if (request.Grant != TokenGrant.DeviceAssertion)
        {
            await IssueToServiceClientAsync(http, request, serviceClients, federation, issueToken, metrics, audit).ConfigureAwait(false);
            return;
        }

        var context = new AssertionContext(request.Assertion, request.ClientId, time.GetUtcNow());
        var refused = await assertions.RunAsync(context, cancellationToken).ConfigureAwait(false);
        if (refused != null)
        {
            await RefuseAsync(http, refused, context.DeviceId, null, metrics, audit).ConfigureAwait(false);
            return;
        }

        var device = context.Keys!.Device;
        var token = issueToken.Run(device);
        await TouchAsync(registry, device.DeviceId, context.Now, loggers, cancellationToken).ConfigureAwait(false);
        metrics.TokenRequest("ok");
        NoStore(http.Response);
        await http.Response.WriteAsJsonAsync(new TokenResponse(token.AccessToken, "Bearer", token.ExpiresIn), TokenJson.Default.TokenResponse, contentType: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A service client's request (docs/tokens.md, "Service clients" and "Federation"): its secret, or
    /// a federation assertion (ValidateFederatedAssertion) naming it, then AuthenticateServiceClient,
    /// then IssueToken with the client's tenant and roles. Each token issued is audited.
    /// </summary>
    private static async Task IssueToServiceClientAsync(HttpContext http, TokenRequest request, AuthenticateServiceClient serviceClients, ValidateFederatedAssertion federation,
        IssueToken issueToken, GatewayMetrics metrics, IAuditLog audit)
    {
        var cancellationToken = http.RequestAborted;
        AuthenticatedServiceClient? client;
        TokenReason? refused;
        string? clientId = request.ClientId;
        string? source = null;
        if (request.Grant == TokenGrant.ClientSecret)
        {
            (client, refused) = await serviceClients.BySecretAsync(request.ClientId!, request.Secret!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var (grant, invalid) = await federation.RunAsync(request.Assertion, cancellationToken).ConfigureAwait(false);
            (client, refused) = (null, invalid);
            if (grant != null)
            {
                (clientId, source) = (grant.ClientId, "federation:" + grant.Source);
                (client, refused) = request.ClientId != null && !string.Equals(request.ClientId, grant.ClientId, StringComparison.Ordinal)
                    ? (null, TokenReason.InvalidGrant("client_id_mismatch"))
                    : await serviceClients.ByGrantAsync(grant, cancellationToken).ConfigureAwait(false);
            }
        }

        if (client == null)
        {
            await RefuseAsync(http, refused!, null, null, metrics, audit, clientId).ConfigureAwait(false);
            return;
        }

        var token = issueToken.Run(client.Client, client.Tenant, client.Roles);
        metrics.TokenRequest("ok");
        audit.Record(new AuditEvent("token.issue", ServiceClientStore.SubjectPrefix + client.Client.Id, null, "ok", http.Connection.RemoteIpAddress?.ToString(),
            source ?? "secret", client.Tenant));
        NoStore(http.Response);
        await http.Response.WriteAsJsonAsync(new TokenResponse(token.AccessToken, "Bearer", token.ExpiresIn), TokenJson.Default.TokenResponse, contentType: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Spends the assertions of a request refused before its assertion was checked, so an assertion
    /// sent where it leaks (a query string) or with a request that fails for another reason can
    /// never be used afterwards (docs/tokens.md, "Single-use assertions"). Returns the device that
    /// signed one of them, for the audit log, or null.
    /// </summary>
    private static async Task<string?> SpendAssertionsAsync(ClientAssertionValidator assertions, IReadOnlyList<string> seen, CancellationToken cancellationToken)
    {
        string? signer = null;
        foreach (var assertion in seen)
        {
            var device = await assertions.SpendAsync(assertion, cancellationToken).ConfigureAwait(false);
            signer ??= device;
        }

        return signer;
    }

    /// <summary>Answers a refusal (RFC 6749 section 5.2), counts it and writes it to the audit log.</summary>
    internal static Task RefuseAsync(HttpContext http, TokenReason reason, string? deviceId, TimeSpan? retryAfter, GatewayMetrics metrics, IAuditLog audit, string? clientId = null)
    {
        var remote = http.Connection.RemoteIpAddress?.ToString();
        metrics.TokenRequest(reason.Label);

        // A service client is named only when its id has the form of one (the id sent is the sender's choice).
        var client = ServiceClientStore.IsValidClientId(clientId) ? clientId : null;
        var actor = deviceId != null ? "device:" + deviceId : client != null ? ServiceClientStore.SubjectPrefix + client : remote ?? "unknown";
        audit.Record(new AuditEvent("token.refused", actor, deviceId, reason.Label, remote, client));
        return WriteErrorAsync(http, reason, retryAfter);
    }

    /// <summary>
    /// Writes the error response of RFC 6749 section 5.2 (also that of RFC 7009 section 2.2.1 and RFC
    /// 7662 section 2.3), never cached; a 401 or 403 to a client that authenticated with the
    /// Authorization header names the scheme it used (RFC 6749 section 5.2, RFC 6750 section 3).
    /// </summary>
    internal static async Task WriteErrorAsync(HttpContext http, TokenReason reason, TimeSpan? retryAfter)
    {
        var response = http.Response;
        response.StatusCode = reason.Status;
        NoStore(response);
        if (retryAfter != null)
        {
            response.Headers.RetryAfter = TokenRateLimits.Seconds(retryAfter.Value);
        }

        if (reason.Status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden && AuthenticationScheme(http.Request) is { } scheme)
        {
            response.Headers.WWWAuthenticate = reason.Status == StatusCodes.Status403Forbidden
                ? scheme + " realm=\"m2m-gateway\", error=\"insufficient_scope\""
                : scheme + " realm=\"m2m-gateway\"";
        }

        await response.WriteAsJsonAsync(new TokenError(reason.Error, reason.Description), TokenJson.Default.TokenError, contentType: null, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The scheme of the request's Authorization header when it is a plain token (never echoes anything else).</summary>
    private static string? AuthenticationScheme(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var scheme = header.Split(' ', 2)[0];
        return scheme.Length is > 0 and <= 32 && scheme.All(char.IsAsciiLetterOrDigit) ? scheme : null;
    }

    /// <summary>RFC 6749 section 5.1: token responses are never cached.</summary>
    internal static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    private static async Task TouchAsync(IDeviceRegistry registry, string deviceId, DateTimeOffset now, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await registry.TouchAsync(deviceId, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Last-seen is bookkeeping: the token is valid whether or not it was recorded.
            LogTouchFailed(loggers.CreateLogger(typeof(TokenEndpoint)), exception, deviceId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that {DeviceId} was seen")]
    private static partial void LogTouchFailed(ILogger logger, Exception exception, string deviceId);
}
