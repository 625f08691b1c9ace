using M2M.Gateway.Journal;

namespace M2M.Gateway.Cluster;

/// <summary>Registers the Cluster mode journal writer (docs/ingress.md, "Cluster mode").</summary>
public static class ClusterJournalExtensions
{
    /// <summary>
    /// <see cref="ClusterJournal"/> as the ingress's <see cref="IJournalWriter"/>, started (stream and
    /// bucket created) before the broker, which is registered after it, and stopped after it; and
    /// <see cref="ReplayCheckpoints"/>, whose <see cref="ReplayCheckpoints.FoldAsync"/> the relay's
    /// retention calls before it purges.
    /// </summary>
    public static IServiceCollection AddClusterJournal(this IServiceCollection services)
    {
        services.AddSingleton<ReplayCheckpoints>();
        services.AddSingleton<Relay.IReplayFold>(s => s.GetRequiredService<ReplayCheckpoints>());
        services.AddSingleton<ClusterJournal>();
        services.AddSingleton<IJournalWriter>(s => s.GetRequiredService<ClusterJournal>());
        services.AddHostedService(s => s.GetRequiredService<ClusterJournal>());
        return services;
    }
}
