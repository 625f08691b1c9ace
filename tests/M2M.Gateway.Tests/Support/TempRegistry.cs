using M2M.Gateway.Hosting;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace M2M.Gateway.Tests.Support;

/// <summary>The engine a registry test runs on: SQLite (Embedded mode) or PostgreSQL (Cluster mode).</summary>
public enum RegistryEngine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A registry in a fresh data folder with its own master key file; removed on dispose. By default
/// SQLite's registry.db; with <see cref="StartAsync"/> and <see cref="RegistryEngine.Postgres"/>, a
/// real PostgreSQL server of its own (<see cref="PostgresServer"/>), whose every
/// <see cref="AnotherNode"/> is a separate connection pool, as another gateway process would have.
/// </summary>
public sealed class TempRegistry : IDisposable, IAsyncDisposable
{
    private readonly AesGcmSecretProtector _protector;
    private readonly PostgresServer? _postgres;
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public TempRegistry(TimeProvider? time = null, string? directory = null)
        : this(time, directory, null)
    {
    }

    private TempRegistry(TimeProvider? time, string? directory, PostgresServer? postgres)
    {
        _postgres = postgres;
        Folder = new DataDirectory(directory ?? Directory.CreateTempSubdirectory("m2m-registry-").FullName);
        MasterKey = MasterKey.Load(Folder, null, []);
        _protector = new AesGcmSecretProtector(MasterKey);
        Database = new RegistryDatabase(Folder);
        Node = postgres == null ? Database : AnotherNode();
        Registry = new SqlDeviceRegistry(Node, _protector, time ?? TimeProvider.System);
    }

    /// <summary>A registry on <paramref name="engine"/> (PostgreSQL: a server started for it).</summary>
    public static async Task<TempRegistry> StartAsync(RegistryEngine engine, TimeProvider? time = null) =>
        new(time, null, engine == RegistryEngine.Postgres ? await PostgresServer.StartAsync() : null);

    public DataDirectory Folder { get; }

    public MasterKey MasterKey { get; }

    public ISecretProtector Protector => _protector;

    /// <summary>The SQLite file of the data folder (the registry's database on <see cref="RegistryEngine.Sqlite"/>).</summary>
    public RegistryDatabase Database { get; }

    /// <summary>The database <see cref="Registry"/> runs on.</summary>
    public IRegistryDatabase Node { get; }

    /// <summary>The PostgreSQL connection string, when on PostgreSQL.</summary>
    public string? PostgresConnectionString => _postgres?.ConnectionString;

    public SqlDeviceRegistry Registry { get; }

    /// <summary>The same registry opened again, as another gateway (SQLite: the same file; PostgreSQL: a pool of its own).</summary>
    public IRegistryDatabase AnotherNode()
    {
        if (_postgres == null)
        {
            return new RegistryDatabase(Folder);
        }

        var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString);
        _dataSources.Add(dataSource);
        return new PostgresRegistryDatabase(dataSource);
    }

    /// <summary>Closes pooled connections so the files can be copied or removed.</summary>
    public static void ReleaseFiles() => SqliteConnection.ClearAllPools();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _protector.Dispose();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        if (_postgres != null)
        {
            await _postgres.DisposeAsync();
        }

        ReleaseFiles();
        try
        {
            Directory.Delete(Folder.FullPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
