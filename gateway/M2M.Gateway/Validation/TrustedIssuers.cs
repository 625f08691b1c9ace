namespace M2M.Gateway.Validation;

/// <summary>The configured trusted external issuers (<see cref="TrustedIssuerOptions"/>), keyed by their exact issuer identifier.</summary>
public sealed class TrustedIssuers : IDisposable
{
    /// <summary>The named HttpClient that fetches their metadata and keys.</summary>
    public const string HttpClientName = "m2m-trusted-issuers";

    private readonly Dictionary<string, AcceptedIssuer> _issuers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrustedIssuerOptions> _options = new(StringComparer.Ordinal);

    public TrustedIssuers(IConfiguration configuration, IHttpClientFactory clients, TimeProvider time, ILoggerFactory loggers)
    {
        var entries = configuration.GetSection(TrustedIssuerOptions.Section).Get<List<TrustedIssuerOptions>>() ?? [];
        foreach (var entry in entries)
        {
            entry.Validate();
            if (_issuers.ContainsKey(entry.Authority))
            {
                // One entry per issuer: its audiences are listed together (Audiences), so which mapping
                // applies to a token never depends on the order of the entries.
                throw new InvalidOperationException($"{TrustedIssuerOptions.Section}: {entry.Authority} is listed twice; list every audience of one issuer in its Audiences.");
            }

            var keys = new RemoteIssuerKeys(entry, clients.CreateClient(HttpClientName), time, loggers.CreateLogger<RemoteIssuerKeys>());
            _issuers[entry.Authority] = new AcceptedIssuer(entry.Authority, entry.AcceptedAudiences, entry.DeviceIdAudience, [.. entry.Algorithms], keys, entry.DeviceIdClaim, entry.TenantClaim, entry.RolesClaim, null);
            _options[entry.Authority] = entry;
        }
    }

    /// <summary>The trusted issuer whose identifier is exactly <paramref name="issuer"/>, or null.</summary>
    public AcceptedIssuer? Find(string issuer) => _issuers.GetValueOrDefault(issuer);

    /// <summary>
    /// The <c>aud</c> an in-band renewal assertion may name for a session opened with a token of
    /// <paramref name="issuer"/> (docs/protocol.md section 7.2): that issuer's token endpoint, the one
    /// the device's credential names; null when the issuer is not trusted, renewal by assertion is off
    /// for it, or its metadata names no token endpoint.
    /// </summary>
    public async ValueTask<string?> RenewalAudienceAsync(string issuer, CancellationToken cancellationToken)
    {
        if (!_options.TryGetValue(issuer, out var entry) || !entry.RenewWithAssertion)
        {
            return null;
        }

        try
        {
            return entry.TokenEndpoint ?? await ((RemoteIssuerKeys)_issuers[issuer].Keys).TokenEndpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // No metadata to be had: the renewal is refused (the device reconnects with a new token).
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var issuer in _issuers.Values)
        {
            (issuer.Keys as IDisposable)?.Dispose();
        }
    }
}
