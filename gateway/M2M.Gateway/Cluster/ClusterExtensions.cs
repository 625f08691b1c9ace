using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Npgsql;

namespace M2M.Gateway.Cluster;

/// <summary>
/// Registers <see cref="ClusterOptions"/> and, in Cluster mode, the two shared engines every part
/// uses: one <see cref="NpgsqlDataSource"/> (connection pool) for PostgreSQL and one
/// <see cref="NatsConnection"/> with its <see cref="INatsJSContext"/>. Parts ask
/// <see cref="ClusterOptions.Enabled"/> to choose their cluster or embedded store; nothing else
/// decides the mode.
/// </summary>
public static class ClusterExtensions
{
    public static IServiceCollection AddClusterEngines(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section));
        services.TryAddSingleton(s =>
        {
            var options = s.GetRequiredService<IOptions<ClusterOptions>>().Value;
            return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.Postgres)
            {
                // A dead backend must not hold a relay lease or a request longer than this.
                Timeout = (int)Math.Ceiling(options.Timeout.TotalSeconds),
                KeepAlive = 10,
                TcpKeepAlive = true,
                MaxPoolSize = options.PostgresPoolSize,
            }.ConnectionString);
        });
        services.TryAddSingleton(s =>
        {
            var options = s.GetRequiredService<IOptions<ClusterOptions>>().Value;
            return new NatsConnection(new NatsOpts
            {
                Url = string.Join(',', options.NatsUrls),
                Name = $"m2m-gateway-{options.NodeId}",
                AuthOpts = new NatsAuthOpts { Username = options.NatsUser, Password = options.NatsPassword },
                ConnectTimeout = options.Timeout,
                RequestTimeout = options.Timeout,
                // Keep reconnecting for as long as the process lives: a NATS node going away is a
                // failure the cluster rides out, not a reason to stop.
                MaxReconnectRetry = -1,
            });
        });
        services.TryAddSingleton<INatsJSContext>(s => new NatsJSContext(s.GetRequiredService<NatsConnection>()));
        services.AddHostedService<CheckClusterOptions>();
        if (IsCluster(configuration))
        {
            services.AddHostedService<SessionNotices>();
            services.AddProblemDetails();
            services.AddExceptionHandler<AnswerStoreUnavailable>();
        }

        return services;
    }

    /// <summary>True when the configuration asks for Cluster mode (for composition-time choices).</summary>
    public static bool IsCluster(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>()?.Enabled == true;
    }
}

/// <summary>Refuses to start a cluster node whose options cannot work, before it accepts anything.</summary>
internal sealed partial class CheckClusterOptions(IOptions<ClusterOptions> options, ILogger<CheckClusterOptions> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.Problem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        if (value.Enabled)
        {
            LogClusterNode(logger, value.NodeId, value.NatsUrls.Count, value.Replicas);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster mode: node {NodeId}, {NatsServers} NATS server URL(s), JetStream replicas {Replicas}")]
    private static partial void LogClusterNode(ILogger logger, string nodeId, int natsServers, int replicas);
}
