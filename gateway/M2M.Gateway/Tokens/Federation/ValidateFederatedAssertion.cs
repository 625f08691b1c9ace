using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Validation;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Tokens.Federation;

/// <summary>What a valid federation assertion grants: the service client its claim maps to, and what the assertion says of tenant and roles.</summary>
/// <param name="ClientId">The mapped service client.</param>
/// <param name="Source">The federation source's name.</param>
/// <param name="Tenant">The tenant claim's value when the source names one, else null.</param>
/// <param name="Roles">The roles claim's values when the source names one, else null (no say).</param>
public sealed record FederatedGrant(string ClientId, string Source, string? Tenant, IReadOnlyList<string>? Roles);

/// <summary>
/// The federation stage of the token endpoint (RFC 7523 sections 2.1 and 3, docs/tokens.md
/// "Federation"): the assertion of a <c>urn:ietf:params:oauth:grant-type:jwt-bearer</c> request must
/// come from a configured source (<see cref="FederationSourceOptions"/>): its exact <c>iss</c>, an
/// allowed algorithm, a signature under the source's JWKS and one of its audiences, by
/// Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/>; <c>exp</c> (required) and <c>nbf</c>
/// against the injected clock with the configured skew (<see cref="AccessTokenValidator.CheckLifetime"/>);
/// then its client claim must be mapped.
/// Assertions are not single-use: a Kubernetes service-account token is presented again until it is
/// replaced (RFC 7523 section 3 leaves replay protection to the server; the assertion's own expiry bounds it).
/// </summary>
public sealed partial class ValidateFederatedAssertion : IDisposable
{
    /// <summary>The named HttpClient that fetches the sources' keys.</summary>
    public const string HttpClientName = "m2m-federation";

    private readonly Dictionary<string, (FederationSourceOptions Options, RemoteIssuerKeys Keys)> _sources = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;
    private readonly ILogger<ValidateFederatedAssertion> _logger;

    public ValidateFederatedAssertion(IConfiguration configuration, IHttpClientFactory clients, IOptions<TokenOptions> options, TimeProvider time, ILogger<ValidateFederatedAssertion> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _skew = options.Value.ClockSkew;
        _logger = logger;
        foreach (var source in configuration.GetSection(FederationSourceOptions.Section).Get<List<FederationSourceOptions>>() ?? [])
        {
            source.Validate();
            if (_sources.ContainsKey(source.Issuer))
            {
                // One entry per issuer, so which mapping applies never depends on the order of the entries.
                throw new InvalidOperationException($"{FederationSourceOptions.Section}: {source.Issuer} is listed twice; list every mapping of one issuer in its Clients.");
            }

            _sources[source.Issuer] = (source, new RemoteIssuerKeys(Keys(source, clients.CreateClient(HttpClientName)), source.RefreshInterval, source.AutomaticRefreshInterval, time, logger));
        }
    }

    /// <summary>The grant, or the reason the assertion is refused.</summary>
    public async Task<(FederatedGrant? Grant, TokenReason? Reason)> RunAsync(string assertion, CancellationToken cancellationToken)
    {
        if (AccessTokenValidator.Read(assertion) is not { } jwt)
        {
            return Refused("malformed_token");
        }

        if (string.IsNullOrEmpty(jwt.Issuer) || !_sources.TryGetValue(jwt.Issuer, out var source))
        {
            return Refused("unknown_issuer");
        }

        // The allow-list first, from the header alone (RFC 8725 section 2.1): "none" or an HMAC keyed
        // with a public key never reaches a key.
        if (!source.Options.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return Refused("unsupported_alg");
        }

        IEnumerable<SecurityKey> keys;
        try
        {
            keys = await source.Keys.GetKeysAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogKeysUnavailable(exception, source.Options.Name);
            return (null, TokenReason.FederationUnavailable);
        }

        var result = await _handler.ValidateTokenAsync(jwt, AccessTokenValidator.Parameters(jwt, source.Options.Issuer, source.Options.AcceptedAudiences, source.Options.Algorithms, keys))
            .ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Refused(AccessTokenValidator.Reason(result.Exception));
        }

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.EncodedPayload));
        var root = payload.RootElement;
        if (AccessTokenValidator.CheckLifetime(root, _time.GetUtcNow(), _skew, out _) is { } outOfTime)
        {
            return Refused(outOfTime);
        }

        var value = ClaimPath.Text(root, source.Options.ClientClaim);
        var mapping = value == null ? null : source.Options.Clients.FirstOrDefault(c => string.Equals(c.Value, value, StringComparison.Ordinal));
        if (mapping == null)
        {
            return Refused("unknown_subject");
        }

        string? tenant = null;
        if (source.Options.TenantClaim != null && (tenant = ClaimPath.Text(root, source.Options.TenantClaim)) == null)
        {
            return Refused("missing_tenant");
        }

        var roles = source.Options.RolesClaim == null ? null : ClaimPath.Strings(root, source.Options.RolesClaim);
        return (new FederatedGrant(mapping.ClientId, source.Options.Name, tenant, roles), null);
    }

    public void Dispose()
    {
        foreach (var (_, keys) in _sources.Values)
        {
            keys.Dispose();
        }
    }

    private static (FederatedGrant?, TokenReason?) Refused(string reason) => (null, TokenReason.InvalidGrant(reason));

    private static (string, Func<CancellationToken, Task<OpenIdConnectConfiguration>>) Keys(FederationSourceOptions source, HttpClient client)
    {
        if (source.MetadataAddress != null)
        {
            return RemoteIssuerKeys.Metadata(source.MetadataAddress, client, source.RequireHttps);
        }

        if (source.JwksFile != null)
        {
            var path = source.JwksFile;
            return RemoteIssuerKeys.JwkSet(path, cancellationToken => File.ReadAllTextAsync(path, cancellationToken));
        }

        var retriever = new Microsoft.IdentityModel.Protocols.HttpDocumentRetriever(client) { RequireHttps = source.RequireHttps };
        var url = source.JwksUrl!;
        return RemoteIssuerKeys.JwkSet(url, cancellationToken => retriever.GetDocumentAsync(url, cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keys of the federation source {Source} cannot be fetched")]
    private partial void LogKeysUnavailable(Exception exception, string source);
}
