namespace M2M.Gateway.Validation;

/// <summary>The configured trusted external issuers (<see cref="TrustedIssuerOptions"/>), keyed by their exact issuer identifier.</summary>
public sealed class TrustedIssuers : IDisposable
{
    /// <summary>The named HttpClient that fetches their metadata and keys.</summary>
    public const string HttpClientName = "m2m-trusted-issuers";

    private readonly Dictionary<string, AcceptedIssuer> _issuers = new(StringComparer.Ordinal);

    public TrustedIssuers(IConfiguration configuration, IHttpClientFactory clients, TimeProvider time, ILoggerFactory loggers)
    {
        var entries = configuration.GetSection(TrustedIssuerOptions.Section).Get<List<TrustedIssuerOptions>>() ?? [];
        foreach (var entry in entries)
        {
            entry.Validate();
            var keys = new RemoteIssuerKeys(entry, clients.CreateClient(HttpClientName), time, loggers.CreateLogger<RemoteIssuerKeys>());
            _issuers[entry.Authority] = new AcceptedIssuer(entry.Authority, entry.Audience, [.. entry.Algorithms], keys, entry.DeviceIdClaim, entry.TenantClaim, entry.RolesClaim, null);
        }
    }

    /// <summary>The trusted issuer whose identifier is exactly <paramref name="issuer"/>, or null.</summary>
    public AcceptedIssuer? Find(string issuer) => _issuers.GetValueOrDefault(issuer);

    public void Dispose()
    {
        foreach (var issuer in _issuers.Values)
        {
            (issuer.Keys as IDisposable)?.Dispose();
        }
    }
}
