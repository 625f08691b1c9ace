using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Hosting;

/// <summary>The query string the server took off a request before ASP.NET Core saw it (<see cref="WithheldQuery"/>).</summary>
public interface IWithheldQueryFeature
{
    /// <summary>The query string as received, with its leading <c>?</c>.</summary>
    string QueryString { get; }
}

/// <summary>
/// Keeps the query strings of chosen paths out of every log, whatever the log levels. ASP.NET Core's
/// hosting layer logs each request's full URL, query included, at Information ("Request starting")
/// before any middleware runs, so a filter or middleware would come too late: the server itself is
/// wrapped, and for a matching path the query string is moved out of the request before the hosting
/// layer receives it. The endpoint still finds it in <see cref="IWithheldQueryFeature"/>.
/// </summary>
public static class WithheldQuery
{
    /// <summary>
    /// Withholds the query string of requests to <paramref name="path"/> (matched as routing matches
    /// it: ignoring case and a trailing slash). Call after the server is registered
    /// (<c>WebApplication.CreateBuilder</c> registers Kestrel).
    /// </summary>
    /// <exception cref="InvalidOperationException">No server is registered yet.</exception>
    public static IServiceCollection WithholdQueryFromLogs(this IServiceCollection services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        var server = services.LastOrDefault(d => d.ServiceType == typeof(IServer))
            ?? throw new InvalidOperationException($"No HTTP server is registered, so the query strings of {path} cannot be withheld from its logs: register the server first.");
        services.Configure<WithheldQueryOptions>(o => o.Paths.Add(path.TrimEnd('/')));
        if (server.ImplementationFactory?.Target is WithholdingServerFactory)
        {
            return services;
        }

        services.Remove(server);
        services.AddSingleton<IServer>(new WithholdingServerFactory(server).Create);
        return services;
    }

    private sealed class WithheldQueryOptions
    {
        public HashSet<string> Paths { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class WithholdingServerFactory(ServiceDescriptor inner)
    {
        public WithholdingServer Create(IServiceProvider services)
        {
            var server = inner.ImplementationInstance as IServer
                ?? inner.ImplementationFactory?.Invoke(services) as IServer
                ?? (IServer)ActivatorUtilities.CreateInstance(services, inner.ImplementationType!);
            return new WithholdingServer(server, services.GetRequiredService<IOptions<WithheldQueryOptions>>().Value.Paths);
        }
    }

    private sealed class WithholdingServer(IServer inner, HashSet<string> paths) : IServer
    {
        public IFeatureCollection Features => inner.Features;

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => inner.StartAsync(new WithholdingApplication<TContext>(application, paths), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

        public void Dispose() => inner.Dispose();
    }

    private sealed class WithholdingApplication<TContext>(IHttpApplication<TContext> inner, HashSet<string> paths) : IHttpApplication<TContext>
        where TContext : notnull
    {
        public TContext CreateContext(IFeatureCollection contextFeatures)
        {
            var request = contextFeatures.Get<IHttpRequestFeature>();
            if (request is { QueryString.Length: > 0 } && paths.Contains(request.Path.TrimEnd('/')))
            {
                contextFeatures.Set<IWithheldQueryFeature>(new Withheld(request.QueryString));
                request.QueryString = string.Empty;
                var query = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
                if (query >= 0)
                {
                    request.RawTarget = request.RawTarget[..query];
                }
            }

            return inner.CreateContext(contextFeatures);
        }

        public Task ProcessRequestAsync(TContext context) => inner.ProcessRequestAsync(context);

        public void DisposeContext(TContext context, Exception? exception) => inner.DisposeContext(context, exception);
    }

    private sealed record Withheld(string QueryString) : IWithheldQueryFeature;
}
