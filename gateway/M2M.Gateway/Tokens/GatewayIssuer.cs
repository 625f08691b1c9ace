using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens;

/// <summary>
/// The gateway's issuer identifier and the URLs derived from it (RFC 8414 section 2): the
/// configured <c>Gateway:Issuer</c>, or else the first address the server listens on (HTTPS
/// preferred), so a development gateway works without configuration.
/// </summary>
public sealed class GatewayIssuer(IOptions<TokenOptions> options, IServiceProvider services)
{
    /// <summary>Path of the token endpoint (section 3.1).</summary>
    public const string TokenPath = "/oauth2/token";

    private string? _issuer;
    private IReadOnlySet<string>? _assertionAudiences;

    /// <summary>The issuer identifier, without a trailing slash.</summary>
    public string Issuer => _issuer ??= Resolve();

    /// <summary>
    /// The <c>aud</c> values a client assertion may carry (section 3.2): the issuer and the token
    /// endpoint URL; without a configured issuer, the token endpoint at each address the gateway
    /// listens on as well (so a development device may use http://127.0.0.1:5080/oauth2/token while
    /// the issuer is the HTTPS address). Never derived from a request's Host header, which the
    /// sender chooses.
    /// </summary>
    public IReadOnlySet<string> AssertionAudiences => _assertionAudiences ??= ResolveAudiences();

    /// <summary>The token endpoint URL, the <c>aud</c> of client assertions (section 3.2).</summary>
    public string TokenEndpoint => Issuer + TokenPath;

    /// <summary>The audience of the gateway's access tokens.</summary>
    public string Audience => options.Value.Audience;

    private string Resolve()
    {
        var configured = options.Value.Issuer;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }

        var addresses = ListeningAddresses();
        return addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Gateway:Issuer is not configured and the server has no address yet.");
    }

    private HashSet<string> ResolveAudiences()
    {
        var audiences = new HashSet<string>(StringComparer.Ordinal) { Issuer, TokenEndpoint };
        if (string.IsNullOrWhiteSpace(options.Value.Issuer))
        {
            audiences.UnionWith(ListeningAddresses().Select(a => a + TokenPath));
        }

        return audiences;
    }

    private List<string> ListeningAddresses() =>
        [.. (services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => new Uri(a.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority))];
}
