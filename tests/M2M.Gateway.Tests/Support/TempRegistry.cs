using M2M.Gateway.Hosting;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Tests.Support;

/// <summary>A SQLite registry in a fresh data folder with its own master key file; removed on dispose.</summary>
public sealed class TempRegistry : IDisposable
{
    private readonly AesGcmSecretProtector _protector;

    public TempRegistry(TimeProvider? time = null, string? directory = null)
    {
        Folder = new DataDirectory(directory ?? Directory.CreateTempSubdirectory("m2m-registry-").FullName);
        MasterKey = MasterKey.Load(Folder, null, []);
        _protector = new AesGcmSecretProtector(MasterKey);
        Database = new RegistryDatabase(Folder);
        Registry = new SqliteDeviceRegistry(Database, _protector, time ?? TimeProvider.System);
    }

    public DataDirectory Folder { get; }

    public MasterKey MasterKey { get; }

    public ISecretProtector Protector => _protector;

    public RegistryDatabase Database { get; }

    public SqliteDeviceRegistry Registry { get; }

    /// <summary>Closes pooled connections so the files can be copied or removed.</summary>
    public static void ReleaseFiles() => SqliteConnection.ClearAllPools();

    public void Dispose()
    {
        _protector.Dispose();
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
