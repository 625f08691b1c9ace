using M2M.Gateway.Journal;
using M2M.Gateway.Relay;

namespace M2M.Gateway.Cluster.Relay;

/// <summary>Registers the relay's Cluster-mode stores (chosen once by Relay/RelayStoreExtensions).</summary>
public static class ClusterRelayExtensions
{
    public static IServiceCollection AddClusterRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterRelayOptions>().Bind(configuration.GetSection(ClusterRelayOptions.Section));
        services.AddSingleton<StreamJournalReader>();
        services.AddSingleton<PostgresBatchLedger>();
        services.AddSingleton<ISinkLeases, PostgresSinkLeases>();
        services.AddSingleton<ClusterRelayJournal>();
        services.AddSingleton<IRelayJournal>(s => s.GetRequiredService<ClusterRelayJournal>());
        services.AddHostedService(s => s.GetRequiredService<ClusterRelayJournal>());
        return services;
    }
}
