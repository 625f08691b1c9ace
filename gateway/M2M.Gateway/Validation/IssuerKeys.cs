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
/// An external issuer's keys through Microsoft.IdentityModel's <see cref="ConfigurationManager{T}"/>:
/// metadata and JWKS fetched and cached; a token naming an unknown <c>kid</c> asks for a fresh copy
/// (the issuer rotated its keys), at most once per <see cref="TrustedIssuerOptions.RefreshInterval"/>.
/// </summary>
public sealed class RemoteIssuerKeys : IIssuerKeys
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;

    public RemoteIssuerKeys(TrustedIssuerOptions options, HttpClient client)
    {
        var address = options.MetadataAddress ?? options.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(address, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(client) { RequireHttps = options.RequireHttps })
        {
            RefreshInterval = options.RefreshInterval,
            AutomaticRefreshInterval = options.AutomaticRefreshInterval,
        };
    }

    public async ValueTask<IEnumerable<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var configuration = await _manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        if (keyId != null && !configuration.SigningKeys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal)))
        {
            _manager.RequestRefresh();
            configuration = await _manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }

        return configuration.SigningKeys;
    }
}
