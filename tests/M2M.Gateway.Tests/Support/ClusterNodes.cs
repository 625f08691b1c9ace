using System.Security.Cryptography;
using M2M.Gateway.Secrets;
using M2M.Testing;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// Gateways in Cluster mode in the test process (<see cref="TokenGateway"/> with the admin API), on
/// one real PostgreSQL server and one NATS server (the session notices of Cluster mode), each node
/// with a data folder of its own holding the same master key file, on one test clock. Everything
/// is removed on dispose.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    /// <summary>The issuer every node shares, as behind one load-balanced name.</summary>
    public const string Issuer = "https://gateway.m2m.test";

    private readonly List<TokenGateway> _nodes = [];
    private readonly List<string> _folders = [];
    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MasterKey.Length));

    private readonly bool _realAuditLog;

    private ClusterNodes(PostgresServer postgres, NatsServer nats, bool realAuditLog)
    {
        Postgres = postgres;
        Nats = nats;
        _realAuditLog = realAuditLog;
    }

    public PostgresServer Postgres { get; }

    public NatsServer Nats { get; }

    public FakeTimeProvider Time { get; } = TestClock.Fixed();

    /// <summary>Starts the servers; the nodes get the gateway's own audit log when <paramref name="realAuditLog"/>, else a <see cref="CollectingAuditLog"/> each.</summary>
    public static async Task<ClusterNodes> StartAsync(bool realAuditLog = false) => new(await PostgresServer.StartAsync(), await NatsServer.StartAsync(), realAuditLog);

    /// <summary>Starts node <paramref name="name"/> (with a master key of its own when <paramref name="masterKey"/> is given).</summary>
    public async Task<TokenGateway> StartNodeAsync(string name, string? masterKey = null, params string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("m2m-node-").FullName;
        _folders.Add(folder);
        var keyFile = Path.Combine(folder, MasterKey.FileName);
        await File.WriteAllTextAsync(keyFile, masterKey ?? _masterKey);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var node = await TokenGateway.StartWithAdminAsync(Time, folder, _realAuditLog,
        [
            "--Gateway:Cluster:Mode", "Cluster",
            "--Gateway:Cluster:NodeId", name,
            "--Gateway:Cluster:Postgres", Postgres.ConnectionString,
            "--Gateway:Cluster:Nats", Nats.Url,
            "--Gateway:Issuer", Issuer,
            .. arguments,
        ]);
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Nats.DisposeAsync();
        await Postgres.DisposeAsync();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
