using M2M.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens;

/// <summary>
/// The gateway's issuer identifier and the URLs derived from it (RFC 8414 section 2): the
/// configured <c>Gateway:Issuer</c>, or else one derived from the configured listening addresses
/// (<see cref="ListeningUrls"/>): the first <c>https</c> one, else the first one, a wildcard host
/// as <c>localhost</c>. Derived from the configuration, never from the addresses the server reports
/// while it binds, so every start with the same configuration has the same issuer and the tokens
/// issued before a restart still validate after it.
/// </summary>
public sealed class GatewayIssuer(IOptions<TokenOptions> options, IConfiguration configuration)
{
    /// <summary>Path of the token endpoint (section 3.1).</summary>
    public const string TokenPath = "/oauth2/token";

    private string? _issuer;
    private IReadOnlySet<string>? _assertionAudiences;

    /// <summary>The issuer identifier, without a trailing slash.</summary>
    public string Issuer => _issuer ??= Resolve(options.Value, configuration);

    /// <summary>
    /// The <c>aud</c> values a client assertion may carry (section 3.2): the issuer and the token
    /// endpoint URL; without a configured issuer, the token endpoint at each configured listening
    /// address as well (so a development device may use http://127.0.0.1:5080/oauth2/token while the
    /// issuer is the HTTPS address). Never derived from a request's Host header, which the sender chooses.
    /// </summary>
    public IReadOnlySet<string> AssertionAudiences => _assertionAudiences ??= ResolveAudiences();

    /// <summary>The token endpoint URL, the <c>aud</c> of client assertions (section 3.2).</summary>
    public string TokenEndpoint => Issuer + TokenPath;

    /// <summary>The audience of the gateway's access tokens.</summary>
    public string Audience => options.Value.Audience;

    /// <summary>The issuer these settings give.</summary>
    /// <exception cref="InvalidOperationException">
    /// No <c>Gateway:Issuer</c>, and no listening address a client could be given (none, or the
    /// preferred one on port 0, which changes at every start).
    /// </exception>
    public static string Resolve(TokenOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Issuer))
        {
            return options.Issuer.TrimEnd('/');
        }

        var urls = ListeningUrls.Configured(configuration);
        var preferred = urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? (urls.Count > 0 ? urls[0] : null)
            ?? throw new InvalidOperationException("Gateway:Issuer is not set and no listening address is configured to derive it from.");
        return ListeningUrls.Reachable(preferred)
            ?? throw new InvalidOperationException($"Gateway:Issuer is not set and the listening address {preferred} has no fixed address to derive it from (port 0, a socket or a pipe): set Gateway:Issuer.");
    }

    private HashSet<string> ResolveAudiences()
    {
        var audiences = new HashSet<string>(StringComparer.Ordinal) { Issuer, TokenEndpoint };
        if (string.IsNullOrWhiteSpace(options.Value.Issuer))
        {
            audiences.UnionWith(ListeningUrls.Configured(configuration).Select(ListeningUrls.Reachable).OfType<string>().Select(a => a + TokenPath));
        }

        return audiences;
    }
}
