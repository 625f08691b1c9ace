using M2M.Gateway.Keys;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace M2M.Gateway.Validation;

/// <summary>Where an issuer's verification keys come from.</summary>
public interface IIssuerKeys
{
    /// <summary>The keys to try for a token naming <paramref name="keyId"/>; throws when they cannot be had now.</summary>
    ValueTask<IEnumerable<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken);
}

/// <summary>The gateway's own key ring: every published key (docs/protocol.md section 4).</summary>
public sealed class OwnIssuerKeys(SigningKeyRing ring) : IIssuerKeys
{
    public ValueTask<IEnumerable<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IEnumerable<SecurityKey>>([.. ring.Published.Select(k => k.SecurityKey)]);
}

/// <summary>
/// An external issuer's keys: its metadata (OpenID Connect Discovery / RFC 8414) and JWKS, fetched and
/// parsed by Microsoft.IdentityModel's <see cref="OpenIdConnectConfigurationRetriever"/> and cached
/// here. A token naming an unknown <c>kid</c> (the issuer rotated its keys) causes a fetch before it
/// is validated, at most once per <see cref="TrustedIssuerOptions.RefreshInterval"/>; the cache is
/// also renewed every <see cref="TrustedIssuerOptions.AutomaticRefreshInterval"/>. When a fetch fails,
/// the last good keys stay in use. The cache is ours rather than <c>ConfigurationManager</c>'s,
/// whose requested refreshes run in the background (Microsoft.IdentityModel 8): the token that named
/// the new key would be refused once. Times come from the injected clock.
/// </summary>
public sealed partial class RemoteIssuerKeys : IIssuerKeys, IDisposable
{
    private readonly string _address;
    private readonly Func<CancellationToken, Task<OpenIdConnectConfiguration>> _fetch;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _automaticRefreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    /// <summary>A trusted issuer's keys, through its metadata.</summary>
    public RemoteIssuerKeys(TrustedIssuerOptions options, HttpClient client, TimeProvider time, ILogger logger)
        : this(Metadata(options.MetadataAddress ?? options.Authority.TrimEnd('/') + "/.well-known/openid-configuration", client, options.RequireHttps),
              options.RefreshInterval, options.AutomaticRefreshInterval, time, logger)
    {
    }

    /// <summary>
    /// Keys from <paramref name="source"/>: where they come from (for the logs) and how to fetch them,
    /// as a configuration whose <c>SigningKeys</c> hold them (<see cref="Metadata"/>, <see cref="JwkSet"/>).
    /// </summary>
    public RemoteIssuerKeys((string Address, Func<CancellationToken, Task<OpenIdConnectConfiguration>> Fetch) source, TimeSpan refreshInterval, TimeSpan automaticRefreshInterval, TimeProvider time, ILogger logger)
    {
        (_address, _fetch) = source;
        _refreshInterval = refreshInterval;
        _automaticRefreshInterval = automaticRefreshInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>A discovery document (OpenID Connect Discovery or RFC 8414) and the JWKS its <c>jwks_uri</c> names, by <see cref="OpenIdConnectConfigurationRetriever"/>.</summary>
    public static (string, Func<CancellationToken, Task<OpenIdConnectConfiguration>>) Metadata(string address, HttpClient client, bool requireHttps)
    {
        var retriever = new HttpDocumentRetriever(client) { RequireHttps = requireHttps };
        return (address, cancellationToken => OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken));
    }

    /// <summary>A JWK Set (RFC 7517 section 5) read by <paramref name="read"/> (from a URL or a file), parsed by <see cref="JsonWebKeySet"/>.</summary>
    public static (string, Func<CancellationToken, Task<OpenIdConnectConfiguration>>) JwkSet(string address, Func<CancellationToken, Task<string>> read) =>
        (address, async cancellationToken =>
        {
            var configuration = new OpenIdConnectConfiguration();
            foreach (var key in new JsonWebKeySet(await read(cancellationToken).ConfigureAwait(false)).GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        });

    public async ValueTask<IEnumerable<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current == null || Due(_automaticRefreshInterval) || (keyId != null && !Knows(current, keyId) && Due(_refreshInterval)))
        {
            current = await FetchAsync(keyId, cancellationToken).ConfigureAwait(false);
        }

        return current.SigningKeys;
    }

    /// <summary>The <c>token_endpoint</c> of the issuer's metadata (fetched when none was yet), or null when it names none.</summary>
    public async ValueTask<string?> TokenEndpointAsync(CancellationToken cancellationToken)
    {
        var current = _current ?? await FetchAsync(null, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(current.TokenEndpoint) ? null : current.TokenEndpoint;
    }

    public void Dispose() => _gate.Dispose();

    private bool Due(TimeSpan interval) => _time.GetUtcNow() - _lastAttempt >= interval;

    private static bool Knows(OpenIdConnectConfiguration configuration, string keyId) =>
        configuration.SigningKeys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    private async Task<OpenIdConnectConfiguration> FetchAsync(string? keyId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched while this one waited.
            if (_current != null && (keyId == null || Knows(_current, keyId)) && !Due(_automaticRefreshInterval))
            {
                return _current;
            }

            _lastAttempt = _time.GetUtcNow();
            try
            {
                _current = await _fetch(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (_current != null && exception is not OperationCanceledException)
            {
                LogStale(exception, _address);
            }

            return _current ?? throw new InvalidOperationException($"No keys of {_address}.");
        }
        finally
        {
            _gate.Release();
        }
    }

    private void LogStale(Exception exception, string address) => LogStale(_logger, exception, address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Address} failed; the last keys fetched stay in use")]
    private static partial void LogStale(ILogger logger, Exception exception, string address);
}
