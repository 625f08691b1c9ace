using System.Text.Json.Serialization;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Hosting;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using M2M.Gateway.Validation;
using Microsoft.Extensions.Primitives;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>
/// The introspection response (RFC 7662 section 2.2): <c>{"active":false}</c> alone, or the members
/// of an active token and the gateway's own claims (<c>tenant</c>, <c>roles</c>, <c>m2m_gen</c>).
/// </summary>
public sealed record IntrospectionResponse(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("token_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenType = null,
    [property: JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId = null,
    [property: JsonPropertyName("sub"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Subject = null,
    [property: JsonPropertyName("iss"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Issuer = null,
    [property: JsonPropertyName("aud"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Audience = null,
    [property: JsonPropertyName("jti"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenId = null,
    [property: JsonPropertyName("iat"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? IssuedAt = null,
    [property: JsonPropertyName("nbf"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? NotBefore = null,
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt = null,
    [property: JsonPropertyName("tenant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tenant = null,
    [property: JsonPropertyName("roles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Roles = null,
    [property: JsonPropertyName(IssueToken.GenerationClaim), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Generation = null);

[JsonSerializable(typeof(IntrospectionResponse))]
internal sealed partial class IntrospectionJson : JsonSerializerContext;

/// <summary>
/// Token revocation (RFC 7009) and introspection (RFC 7662) for the access tokens the gateway issues,
/// beside the token endpoint (docs/tokens.md, "Revocation and introspection"). The stages, in order:
/// <list type="number">
/// <item><c>POST /oauth2/revoke</c>: ReadTokenParameters (<see cref="ReadOAuthForm"/>, no query string,
/// each parameter once, <c>token</c>), <see cref="AuthenticateTokenCaller"/> (admin principal or the
/// device itself), <see cref="InspectToken"/>, RevokeToken (<see cref="RevokedTokens"/>).</item>
/// <item><c>POST /oauth2/introspect</c>: ReadTokenParameters, <see cref="AuthenticateTokenCaller"/>
/// (admin principal only), <see cref="InspectToken"/>, <see cref="BindAccessToken"/> (the device's
/// current registration, as at CONNECT, or the service client's current state), DescribeToken.</item>
/// </list>
/// Each outcome is counted by its reason (<c>m2m_token_revocations_total</c>,
/// <c>m2m_token_introspections_total</c>); revocations and refusals go to the audit log, never the token.
/// </summary>
public static partial class TokenRevocationEndpoints
{
    /// <summary>Path of the revocation endpoint (RFC 7009 section 2).</summary>
    public const string RevocationPath = "/oauth2/revoke";

    /// <summary>Path of the introspection endpoint (RFC 7662 section 2).</summary>
    public const string IntrospectionPath = "/oauth2/introspect";

    /// <summary>The endpoints' results that are not refusals, as metric labels.</summary>
    public const string RevokedResult = "revoked";
    public const string AlreadyRevokedResult = "already_revoked";
    public const string NotRevocableResult = "not_revocable";
    public const string ActiveResult = "active";
    public const string InactiveResult = "inactive";

    /// <summary>Maps both endpoints.</summary>
    public static IEndpointRouteBuilder MapTokenRevocation(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(RevocationPath, RevokeAsync).DisableAntiforgery().WithName("RevokeToken");
        endpoints.MapPost(IntrospectionPath, IntrospectAsync).DisableAntiforgery().WithName("IntrospectToken");
        return endpoints;
    }

    /// <summary>Keeps tokens sent in a query string out of the logs, as for the token endpoint.</summary>
    public static IServiceCollection WithholdRevocationQueriesFromLogs(this IServiceCollection services) =>
        services.WithholdQueryFromLogs(RevocationPath).WithholdQueryFromLogs(IntrospectionPath);

    private static async Task RevokeAsync(
        HttpContext http,
        ReadOAuthForm readForm,
        AuthenticateTokenCaller authenticate,
        InspectToken inspect,
        RevokedTokens revocations,
        GatewayMetrics metrics,
        IAuditLog audit,
        ILoggerFactory loggers)
    {
        var cancellationToken = http.RequestAborted;
        var (form, token, refused) = await ReadTokenParametersAsync(http.Request, readForm, cancellationToken).ConfigureAwait(false);
        TokenCaller? caller = null;
        if (refused == null)
        {
            (caller, refused) = await authenticate.RunAsync(http.Request, form!, devicesMayCall: true, cancellationToken).ConfigureAwait(false);
        }

        if (refused != null)
        {
            await RefuseAsync(http, "token.revoke", refused, caller, metrics.TokenRevocation, audit).ConfigureAwait(false);
            return;
        }

        var inspection = await inspect.RunAsync(token!, cancellationToken).ConfigureAwait(false);
        if (inspection.IsExternal)
        {
            await RefuseAsync(http, "token.revoke", TokenReason.UnsupportedTokenType, caller, metrics.TokenRevocation, audit).ConfigureAwait(false);
            return;
        }

        // RFC 7009 section 2.1: a client may revoke only the tokens issued to it.
        if (inspection.Claims is { } claims && caller!.DeviceId != null && !string.Equals(claims.Subject, caller.DeviceId, StringComparison.Ordinal))
        {
            await RefuseAsync(http, "token.revoke", TokenReason.NotTheTokensClient, caller, metrics.TokenRevocation, audit).ConfigureAwait(false);
            return;
        }

        // RFC 7009 section 2.2: an invalid, expired or already revoked token is answered 200 like a
        // revoked one. So is another tenant's token to a tenant-scoped principal: it must not learn
        // that the token exists.
        var result = inspection.Validation.Reason == AccessTokenValidator.Revoked ? AlreadyRevokedResult : NotRevocableResult;
        if (inspection.Claims is { } valid && (caller!.Principal == null || caller.Principal.Sees(valid.Tenant)))
        {
            try
            {
                result = await revocations.RevokeAsync(new RevokedToken(valid.TokenId, valid.Subject, valid.Tenant, valid.ExpiresAt), caller.Actor, cancellationToken).ConfigureAwait(false)
                    ? RevokedResult
                    : AlreadyRevokedResult;
            }
            catch (System.Data.Common.DbException exception)
            {
                LogStoreFailed(loggers.CreateLogger(typeof(TokenRevocationEndpoints)), exception);
                await RefuseAsync(http, "token.revoke", TokenReason.RevocationStoreUnavailable, caller, metrics.TokenRevocation, audit).ConfigureAwait(false);
                return;
            }

            audit.Record(new AuditEvent("token.revoke", caller.Actor, valid.Subject, result, Remote(http), "jti:" + valid.TokenId, valid.Tenant));
        }

        metrics.TokenRevocation(result);
        TokenEndpoint.NoStore(http.Response);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task IntrospectAsync(
        HttpContext http,
        ReadOAuthForm readForm,
        AuthenticateTokenCaller authenticate,
        InspectToken inspect,
        BindAccessToken bind,
        GatewayMetrics metrics,
        IAuditLog audit)
    {
        var cancellationToken = http.RequestAborted;
        var (form, token, refused) = await ReadTokenParametersAsync(http.Request, readForm, cancellationToken).ConfigureAwait(false);
        TokenCaller? caller = null;
        if (refused == null)
        {
            (caller, refused) = await authenticate.RunAsync(http.Request, form!, devicesMayCall: false, cancellationToken).ConfigureAwait(false);
        }

        if (refused != null)
        {
            await RefuseAsync(http, "token.introspect", refused, caller, metrics.TokenIntrospection, audit).ConfigureAwait(false);
            return;
        }

        var inspection = await inspect.RunAsync(token!, cancellationToken).ConfigureAwait(false);
        var answer = new IntrospectionResponse(false);

        // RFC 7662 section 2.2: anything not active now is {"active":false}, with nothing more; so is
        // another tenant's token to a tenant-scoped principal (it must not learn that it exists).
        if (inspection.Claims is { } claims && caller!.Principal!.Sees(claims.Tenant))
        {
            var bound = await bind.RunAsync(inspection.Validation, cancellationToken).ConfigureAwait(false);
            if (bound.Reason == BindCredential.RegistryUnavailable)
            {
                await RefuseAsync(http, "token.introspect", TokenReason.RegistryUnavailable, caller, metrics.TokenIntrospection, audit).ConfigureAwait(false);
                return;
            }

            if (bound.Principal != null)
            {
                answer = Describe(claims);
            }
        }

        metrics.TokenIntrospection(answer.Active ? ActiveResult : InactiveResult);
        TokenEndpoint.NoStore(http.Response);
        await http.Response.WriteAsJsonAsync(answer, IntrospectionJson.Default.IntrospectionResponse, contentType: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 7662 section 2.2 for an active token: its claims as the gateway issued them.</summary>
    private static IntrospectionResponse Describe(IssuedTokenClaims claims) => new(
        true,
        "Bearer",
        claims.ClientId,
        claims.Subject,
        claims.Issuer,
        claims.Audiences.Count == 1 ? claims.Audiences[0] : string.Join(' ', claims.Audiences),
        claims.TokenId,
        claims.IssuedAt.ToUnixTimeSeconds(),
        claims.NotBefore?.ToUnixTimeSeconds(),
        claims.ExpiresAt.ToUnixTimeSeconds(),
        claims.Tenant.Length == 0 ? null : claims.Tenant,
        claims.Roles,
        claims.Generation);

    /// <summary>
    /// The request itself (RFC 7009 section 2.1, RFC 7662 section 2.1): a form body, no query string (a
    /// token in a URI ends up in logs), each parameter at most once (RFC 6749 section 3.2), and
    /// <c>token</c>. <c>token_type_hint</c> is optional and only a hint: every token here is an access
    /// token, and an unknown hint is ignored (RFC 7009 section 2.1, RFC 7662 section 2.1).
    /// </summary>
    private static async Task<(Dictionary<string, StringValues>? Form, string? Token, TokenReason? Reason)> ReadTokenParametersAsync(HttpRequest request, ReadOAuthForm readForm, CancellationToken cancellationToken)
    {
        var query = request.HttpContext.Features.Get<IWithheldQueryFeature>()?.QueryString ?? request.QueryString.Value;
        var (form, reason) = await readForm.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(query))
        {
            return (form, null, TokenReason.ParametersInQuery);
        }

        if (form == null)
        {
            return (null, null, reason);
        }

        if (form.Values.Any(v => v.Count > 1))
        {
            return (form, null, TokenReason.RepeatedParameter);
        }

        var token = ReadOAuthForm.Value(form, "token");
        return token == null ? (form, null, TokenReason.MissingParameter) : (form, token, null);
    }

    private static Task RefuseAsync(HttpContext http, string action, TokenReason reason, TokenCaller? caller, Action<string> count, IAuditLog audit)
    {
        count(reason.Label);
        var remote = Remote(http);
        audit.Record(new AuditEvent(action, caller?.Actor ?? remote ?? "unknown", caller?.DeviceId, reason.Label, remote));
        return TokenEndpoint.WriteErrorAsync(http, reason, null);
    }

    private static string? Remote(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    [LoggerMessage(Level = LogLevel.Error, Message = "The revoked-token store failed")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
