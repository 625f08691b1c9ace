using M2M.Gateway.Cluster;
using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;

namespace M2M.Gateway.Relay.Http;

/// <summary>Registers <see cref="SinkCredentialStore"/> with the storage of the gateway's mode.</summary>
public static class SinkCredentialExtensions
{
    /// <summary>
    /// Adds <see cref="SinkCredentialStore"/> over <c>sink-credentials.json</c> in the data folder, or
    /// in Cluster mode over the shared PostgreSQL table (chosen here, once). The file is declared as
    /// encrypted data, so a lost master key next to it stops the start. In Cluster mode nothing in the
    /// data folder is encrypted: a node given another master key (or a new one) is refused at start by
    /// the shared key ring's check (docs/tokens.md), before it could read or write a credential.
    /// </summary>
    public static IServiceCollection AddSinkCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        // The values are encrypted under the master key (a no-op when the host added it first).
        services.AddGatewaySecrets();
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.AddSingleton<ISinkCredentialStorage, PostgresSinkCredentials>();
        }
        else
        {
            services.AddSingleton<SinkCredentialFile>();
            services.AddSingleton<ISinkCredentialStorage>(s => s.GetRequiredService<SinkCredentialFile>());
            services.AddEncryptedFile(s => new EncryptedFile(s.GetRequiredService<DataDirectory>().Combine(SinkCredentialFile.FileName), "sink credentials"));
        }

        services.AddSingleton<SinkCredentialStore>();
        return services;
    }
}
