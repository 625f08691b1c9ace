namespace M2M.Gateway.Hosting;

/// <summary>
/// The addresses the gateway's HTTP server listens on, as its configuration sets them, read the way
/// Kestrel reads them: the <c>Kestrel:Endpoints:{name}:Url</c> entries when there are any; else the
/// <c>urls</c> setting (<c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>, <c>--urls</c> or a <c>Urls</c>
/// key, <c>;</c>-separated); else <c>https_ports</c> and <c>http_ports</c>
/// (<c>ASPNETCORE_HTTPS_PORTS</c>, <c>ASPNETCORE_HTTP_PORTS</c>) on every interface. When none is set,
/// <see cref="UseDefaultUnlessConfigured"/> makes it <see cref="Default"/>.
/// </summary>
public static class ListeningUrls
{
    /// <summary>The development default: plain HTTP on loopback only.</summary>
    public const string Default = "http://127.0.0.1:5080";

    private static readonly string[] WildcardHosts = ["*", "+", "0.0.0.0", "[::]", "::"];

    /// <summary>The configured addresses, in Kestrel's order of precedence and in their own order; empty when none is set.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().Where(u => u.Length > 0).ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }

        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return [.. Ports(configuration, WebHostDefaults.HttpsPortsKey, "https"), .. Ports(configuration, WebHostDefaults.HttpPortsKey, "http")];
    }

    /// <summary>
    /// Sets the default address when the configuration names none. Applied as a default rather than
    /// kept in appsettings.json, where a <c>Urls</c> key would silently win over <c>ASPNETCORE_URLS</c>
    /// (environment variables with that prefix are read before the JSON files).
    /// </summary>
    public static void UseDefaultUnlessConfigured(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Configured(builder.Configuration).Count == 0)
        {
            builder.WebHost.UseUrls(Default);
        }
    }

    /// <summary>
    /// How a client reaches a configured address: scheme, host and port (the scheme's default port
    /// left out), a wildcard host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) as <c>localhost</c>.
    /// Null for an address no client can be given: port 0 (chosen anew at every start), a Unix socket
    /// or a named pipe.
    /// </summary>
    public static string? Reachable(string url)
    {
        var address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
        if (address.IsUnixPipe || address.IsNamedPipe || address.Port == 0)
        {
            return null;
        }

        var host = WildcardHosts.Contains(address.Host, StringComparer.Ordinal) ? "localhost" : address.Host;
        return new UriBuilder(address.Scheme, host, address.Port).Uri.GetLeftPart(UriPartial.Authority);
    }

    private static IEnumerable<string> Ports(IConfiguration configuration, string key, string scheme) =>
        (configuration[key] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"{scheme}://*:{port}");
}
