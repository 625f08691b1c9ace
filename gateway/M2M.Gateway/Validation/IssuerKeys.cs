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
public sealed partial class RemoteIssuerKeys(TrustedIssuerOptions options, HttpClient client, TimeProvider time, ILogger logger) : IIssuerKeys, IDisposable
{
    private readonly string _address = options.MetadataAddress ?? options.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
    private readonly HttpDocumentRetriever _retriever = new(client) { RequireHttps = options.RequireHttps };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    public async ValueTask<IEnumerable<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current == null || Due(options.AutomaticRefreshInterval) || (keyId != null && !Knows(current, keyId) && Due(options.RefreshInterval)))
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

    private bool Due(TimeSpan interval) => time.GetUtcNow() - _lastAttempt >= interval;

    private static bool Knows(OpenIdConnectConfiguration configuration, string keyId) =>
        configuration.SigningKeys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    private async Task<OpenIdConnectConfiguration> FetchAsync(string? keyId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched while this one waited.
            if (_current != null && (keyId == null || Knows(_current, keyId)) && !Due(options.AutomaticRefreshInterval))
            {
                return _current;
            }

            _lastAttempt = time.GetUtcNow();
            try
            {
                _current = await OpenIdConnectConfigurationRetriever.GetAsync(_address, _retriever, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Address} failed; the last keys fetched stay in use")]
    private partial void LogStale(Exception exception, string address);
}
