using M2M.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.Secrets;

/// <summary>Registers the master key and the secret protector.</summary>
public static class SecretsExtensions
{
    /// <summary>
    /// Adds <see cref="MasterKey"/> and <see cref="ISecretProtector"/> (AES-256-GCM). The key is
    /// loaded when the host starts, so a malformed key or a key file readable by others stops the
    /// gateway at once with a clear message rather than at the first request.
    /// </summary>
    public static IServiceCollection AddGatewaySecrets(this IServiceCollection services)
    {
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton(s => MasterKey.Load(s.GetRequiredService<DataDirectory>()));
        services.TryAddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.AddHostedService<LoadMasterKey>();
        return services;
    }
}

/// <summary>Loads the master key at start and says where it came from (never the key).</summary>
internal sealed partial class LoadMasterKey(IServiceProvider services, ILogger<LoadMasterKey> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var key = services.GetRequiredService<MasterKey>();
        services.GetRequiredService<ISecretProtector>();
        LogLoaded(logger, key.Source);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Master key loaded from {Source}")]
    private static partial void LogLoaded(ILogger logger, string source);
}
