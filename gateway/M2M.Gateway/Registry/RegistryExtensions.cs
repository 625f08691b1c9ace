using M2M.Gateway.Cluster;
using M2M.Gateway.Hosting;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Registry;

/// <summary>Registers the device registry (SQLite, or PostgreSQL in Cluster mode) and the ingress's directory over it.</summary>
public static class RegistryExtensions
{
    /// <summary>
    /// Adds <see cref="IRegistryDatabase"/> (<c>registry.db</c> in the data folder, or in Cluster mode
    /// the shared PostgreSQL database; migrated when the host starts), <see cref="IDeviceRegistry"/>
    /// and the ingress seam <see cref="IDeviceDirectory"/>.
    /// Also adds the secret protector it needs (<see cref="SecretsExtensions.AddGatewaySecrets"/>).
    /// </summary>
    public static IServiceCollection AddDeviceRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddGatewaySecrets();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.TryAddSingleton<IRegistryDatabase, PostgresRegistryDatabase>();
        }
        else
        {
            services.TryAddSingleton<RegistryDatabase>();
            services.TryAddSingleton<IRegistryDatabase>(s => s.GetRequiredService<RegistryDatabase>());
            services.AddEncryptedFile(s => new EncryptedFile(s.GetRequiredService<RegistryDatabase>().Path, "device secrets"));
        }

        services.TryAddSingleton<IDeviceRegistry, SqlDeviceRegistry>();

        // Kept no longer than the ingress re-checks live sessions: a change made by another process on
        // the same registry takes effect within that one interval everywhere (docs/tokens.md).
        services.TryAddSingleton(s => new DeviceKeyCache(
            s.GetRequiredService<IDeviceRegistry>(),
            s.GetRequiredService<TimeProvider>(),
            s.GetService<IOptions<MqttIngressOptions>>()?.Value.RevalidateInterval ?? new MqttIngressOptions().RevalidateInterval));
        services.TryAddSingleton<IDeviceDirectory, DeviceDirectory>();
        services.AddHostedService<MigrateRegistry>();
        return services;
    }
}

/// <summary>Migrates the registry when the host starts, so a schema problem stops the gateway at once.</summary>
internal sealed partial class MigrateRegistry(IRegistryDatabase database, ILogger<MigrateRegistry> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogReady(logger, database.Describe);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Device registry {Database} migrated")]
    private static partial void LogReady(ILogger logger, string database);
}
