using System.Text.Json;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Keys;

/// <summary>
/// Where <see cref="SigningKeyRing"/> keeps its keys (private keys only encrypted): a file in the
/// data folder (<see cref="FileKeyRingStore"/>, one gateway) or the cluster's PostgreSQL database
/// (<see cref="PostgresKeyRingStore"/>), which every node reads and one node at a time changes.
/// </summary>
public interface IKeyRingStore
{
    /// <summary>True when other gateways change the same ring: the ring then reads it again every <see cref="SigningKeyRing.RefreshInterval"/>.</summary>
    bool IsShared { get; }

    /// <summary>The keys as stored now.</summary>
    IReadOnlyList<StoredKey> Load();

    /// <summary>
    /// Reads the keys, runs <paramref name="change"/> over them and stores its result (null: no
    /// change), as one step no other writer interleaves with, on any node; returns the keys stored.
    /// </summary>
    IReadOnlyList<StoredKey> Update(Func<IReadOnlyList<StoredKey>, IReadOnlyList<StoredKey>?> change);
}

/// <summary>The key ring file in the data folder (<see cref="SigningKeyOptions.Path"/>), written atomically; only this gateway writes it.</summary>
public sealed class FileKeyRingStore(string path) : IKeyRingStore
{
    private const int FileVersion = 1;

    public FileKeyRingStore(DataDirectory data, Microsoft.Extensions.Options.IOptions<SigningKeyOptions> options)
        : this(data.Combine(options.Value.Path))
    {
    }

    /// <inheritdoc />
    public bool IsShared => false;

    /// <inheritdoc />
    public IReadOnlyList<StoredKey> Load()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), KeyRingJson.Default.KeyRingFile)
            ?? throw new InvalidOperationException($"The signing key ring {path} is empty.");
        if (file.Version != FileVersion)
        {
            throw new InvalidOperationException($"The signing key ring {path} has version {file.Version}; this gateway reads version {FileVersion}.");
        }

        return file.Keys;
    }

    /// <inheritdoc />
    /// <remarks>The ring calls it under its own lock: this process is the file's only writer.</remarks>
    public IReadOnlyList<StoredKey> Update(Func<IReadOnlyList<StoredKey>, IReadOnlyList<StoredKey>?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var keys = Load();
        if (change(keys) is not { } changed)
        {
            return keys;
        }

        PrivateFile.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(new KeyRingFile(FileVersion, changed), KeyRingJson.Default.KeyRingFile));
        return changed;
    }
}
