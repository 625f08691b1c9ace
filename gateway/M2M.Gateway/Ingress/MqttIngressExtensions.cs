using M2M.Gateway.Activity;
using M2M.Gateway.Cluster;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Broker;
using M2M.Gateway.Ingress.Pipeline;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Journal;
using M2M.Gateway.Metrics;
using M2M.Gateway.Policies;
using M2M.Gateway.Relay;
using M2M.Gateway.Relay.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.Ingress;

/// <summary>Registers the MQTT ingress, the journal and the relay.</summary>
public static class MqttIngressExtensions
{
    /// <summary>
    /// Adds the embedded broker, the verification stages, the journal and the relay. The seams
    /// (<see cref="IAccessTokenValidator"/>, <see cref="IClientAssertionValidator"/>,
    /// <see cref="IDeviceDirectory"/>, <see cref="IRecordSigner"/>) are registered by whoever
    /// implements them; without them the gateway starts with the ingress (or relay) off and says so.
    /// </summary>
    public static IServiceCollection AddMqttIngress(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttIngressOptions>().Bind(configuration.GetSection(MqttIngressOptions.Section));
        services.AddOptions<TopicPolicyOptions>().Bind(configuration.GetSection(TopicPolicyOptions.Section));
        services.AddOptions<JournalOptions>().Bind(configuration.GetSection(JournalOptions.Section));
        services.AddOptions<RelayOptions>().Bind(configuration.GetSection(RelayOptions.Section));
        services.AddHttpClient();
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayMetrics();
        services.TryAddSingleton<DeviceActivity>();
        services.AddSingleton<TelemetryJournal>();
        // The ingress's journal: SQLite embedded, the replicated JetStream stream in Cluster mode
        // (docs/ingress.md, "Cluster mode"); chosen here, once.
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.AddClusterJournal();
        }
        else
        {
            services.AddSingleton<IJournalWriter>(s => s.GetRequiredService<TelemetryJournal>());
        }

        services.AddRelayStores(configuration);
        services.TryAddSingleton<ExpressionPolicies>();
        services.AddSingleton<TopicPolicy>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<AuthenticateConnection>();
        services.AddSingleton<CheckTopic>();
        services.AddSingleton<AuthorizeTopic>();
        services.AddSingleton<RenewSession>();
        services.AddSingleton<RecordCommandResult>();
        services.AddSingleton<ExtractSignedMessage>();
        services.AddSingleton<VerifySignature>();
        services.AddSingleton<CheckTimestamp>();
        services.AddSingleton<JournalMessage>();
        services.AddSingleton<PublishPipeline>();
        services.AddSingleton<ConnectionLimits>();
        services.AddSingleton<RelayStatus>();
        services.AddSinkCredentials(configuration);
        services.AddSingleton<Relay.Http.HttpSinkClient>();
        services.AddHealthChecks().AddCheck<RelayHealthCheck>(RelayHealthCheck.Name);

        // Hosted services stop in the reverse order of registration: the relay is registered before
        // the broker so that, when the host stops, the MQTT listener stops accepting (and
        // acknowledging) first and the relay after it (IngestStopsBeforeTheRelayTests).
        services.AddHostedService<RelayService>();
        services.AddHostedService<MqttListener>();
        return services;
    }

    /// <summary>The ingress seams that have no registered implementation.</summary>
    public static IReadOnlyList<string> MissingSeams(IServiceProvider services)
    {
        var missing = new List<string>();
        AddIfMissing<IAccessTokenValidator>(services, missing);
        AddIfMissing<IClientAssertionValidator>(services, missing);
        AddIfMissing<IDeviceDirectory>(services, missing);
        return missing;
    }

    private static void AddIfMissing<T>(IServiceProvider services, List<string> missing)
    {
        if (services.GetService(typeof(T)) == null)
        {
            missing.Add(typeof(T).Name);
        }
    }
}
