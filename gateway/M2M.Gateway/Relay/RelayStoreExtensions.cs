using M2M.Gateway.Cluster;
using M2M.Gateway.Cluster.Relay;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>
/// Chooses, once at composition, where the relay reads the journal and keeps its positions, dead
/// letters, batch ledger and leases: the embedded journal (one process holds every lease), or in
/// Cluster mode the JetStream journal stream and PostgreSQL (Cluster/ClusterRelayExtensions).
/// </summary>
public static class RelayStoreExtensions
{
    public static IServiceCollection AddRelayStores(this IServiceCollection services, IConfiguration configuration)
    {
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.AddClusterRelay(configuration);
        }
        else
        {
            services.AddSingleton<IRelayJournal>(s => s.GetRequiredService<TelemetryJournal>());
            services.AddSingleton<ISinkLeases, LocalSinkLeases>();
        }

        // The smaller views, for the consumer API, the admin API and the ingress's backpressure.
        services.AddSingleton<IJournalReader>(s => s.GetRequiredService<IRelayJournal>());
        services.AddSingleton<ISinkPositions>(s => s.GetRequiredService<IRelayJournal>());
        services.AddSingleton<IDeadLetterStore>(s => s.GetRequiredService<IRelayJournal>());
        return services;
    }
}
