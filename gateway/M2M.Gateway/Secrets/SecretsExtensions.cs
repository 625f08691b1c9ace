using M2M.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.Secrets;

/// <summary>Registers the master key and the secret protector.</summary>
public static class SecretsExtensions
{
    /// <summary>
    /// Adds <see cref="MasterKey"/> and <see cref="ISecretProtector"/> (AES-256-GCM). The key is
    /// loaded when the host starts, so a malformed, exposed or lost key stops the gateway at once with
    /// a clear message rather than at the first request. Register this before the parts that open
    /// files in the data folder: the key is loaded as the first hosted services are created, before
    /// theirs, so a refused start leaves the data folder as it found it.
    /// </summary>
    public static IServiceCollection AddGatewaySecrets(this IServiceCollection services)
    {
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton(s => MasterKey.Load(
            s.GetRequiredService<DataDirectory>(), Environment.GetEnvironmentVariable(MasterKey.EnvironmentVariable), s.GetServices<EncryptedFile>()));
        services.TryAddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.AddHostedService<LoadMasterKey>();
        return services;
    }

    /// <summary>
    /// Declares a file that holds values encrypted under the master key (<paramref name="file"/>
    /// builds it from the services), so a lost key is reported with its name instead of replaced.
    /// </summary>
    public static IServiceCollection AddEncryptedFile(this IServiceCollection services, Func<IServiceProvider, EncryptedFile> file)
    {
        services.AddSingleton(file);
        return services;
    }
}

/// <summary>Loads the master key at start and says where it came from (never the key).</summary>
internal sealed partial class LoadMasterKey : IHostedService
{
    private readonly ILogger<LoadMasterKey> _logger;
    private readonly MasterKey _key;

    // In the constructor, not in StartAsync: the host creates every hosted service before it starts
    // the first, and creating some of them opens the journal; a lost key must stop it before that.
    public LoadMasterKey(MasterKey key, ISecretProtector protector, ILogger<LoadMasterKey> logger)
    {
        ArgumentNullException.ThrowIfNull(protector);
        _key = key;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogLoaded(_logger, _key.Source);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Master key loaded from {Source}")]
    private static partial void LogLoaded(ILogger logger, string source);
}
