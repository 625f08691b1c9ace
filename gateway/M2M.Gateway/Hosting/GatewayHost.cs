namespace M2M.Gateway.Hosting;

/// <summary>The gateway's host: where its configuration comes from and where it listens by default.</summary>
public static class GatewayHost
{
    /// <summary>
    /// A <see cref="WebApplicationBuilder"/> whose content root is the gateway's own folder, so the
    /// appsettings.json next to M2M.Gateway.dll is read whatever the working directory (an operator
    /// may still name another with <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c>), and which
    /// listens on <see cref="ListeningUrls.Default"/> unless the configuration names addresses. The
    /// data folder stays relative to the working directory (docs: README "First run").
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot(args) });
        builder.UseDefaultUnlessConfigured();
        return builder;
    }

    /// <summary>The application's folder, unless the host configuration (environment or command line) names a content root.</summary>
    private static string? ContentRoot(string[] args)
    {
        var host = new ConfigurationBuilder().AddEnvironmentVariables("DOTNET_").AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(args).Build();
        return string.IsNullOrEmpty(host[HostDefaults.ContentRootKey]) ? AppContext.BaseDirectory : null;
    }
}
