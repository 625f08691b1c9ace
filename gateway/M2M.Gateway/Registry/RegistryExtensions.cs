using M2M.Gateway.Hosting;
using M2M.Gateway.Ingress;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Registry;

/// <summary>Registers the SQLite device registry and the ingress's directory over it.</summary>
public static class RegistryExtensions
{
    /// <summary>
    /// Adds <see cref="RegistryDatabase"/> (<c>registry.db</c> in the data folder, migrated when the
    /// host starts), <see cref="IDeviceRegistry"/> and the ingress seam <see cref="IDeviceDirectory"/>.
    /// Also adds the secret protector it needs (<see cref="SecretsExtensions.AddGatewaySecrets"/>).
    /// </summary>
    public static IServiceCollection AddDeviceRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddGatewaySecrets();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton<RegistryDatabase>();
        services.AddEncryptedFile(s => new EncryptedFile(s.GetRequiredService<RegistryDatabase>().Path, "device secrets"));
        services.TryAddSingleton<IDeviceRegistry, SqliteDeviceRegistry>();

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

/// <summary>Migrates <c>registry.db</c> when the host starts, so a schema problem stops the gateway at once.</summary>
internal sealed partial class MigrateRegistry(RegistryDatabase database, ILogger<MigrateRegistry> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        database.EnsureMigrated();
        LogReady(logger, database.Path, RegistryDatabase.CurrentVersion);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Device registry {Path} at schema version {Version}")]
    private static partial void LogReady(ILogger logger, string path, int version);
}
