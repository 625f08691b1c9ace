using System.Security.Cryptography;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Secrets;

/// <summary>
/// The gateway's 32-byte master key, under which every secret it keeps at rest is encrypted. It
/// comes from the environment variable <c>M2M_MASTER_KEY</c> (base64), or else from
/// <c>master.key</c> in the data folder, created with permissions 0600 on the first start of a data
/// folder that holds no encrypted data yet (never next to data an earlier key encrypted). Kept apart
/// from the data it protects: a copied <c>registry.db</c> without this key reveals no secret.
/// </summary>
public sealed class MasterKey
{
    /// <summary>The environment variable that carries the key (base64 of 32 bytes).</summary>
    public const string EnvironmentVariable = "M2M_MASTER_KEY";

    /// <summary>The key file's name in the data folder.</summary>
    public const string FileName = "master.key";

    /// <summary>Length of the key: AES-256.</summary>
    public const int Length = 32;

    // Anything beyond owner read/write means another account may read or replace the key.
    private const UnixFileMode OthersAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly byte[] _key;

    private MasterKey(byte[] key, string source)
    {
        _key = key;
        Source = source;
    }

    /// <summary>Where the key came from ("environment" or the file's path), for the start-up log; never the key.</summary>
    public string Source { get; }

    /// <summary>The key bytes; only the secret protector reads them.</summary>
    internal ReadOnlySpan<byte> Bytes => _key;

    /// <summary>
    /// Loads the key from <paramref name="environmentValue"/> when set, else from the file in
    /// <paramref name="dataDirectory"/>. The file is created only when none of
    /// <paramref name="encryptedFiles"/> exists: a new key cannot decrypt what an old one encrypted.
    /// </summary>
    /// <exception cref="MasterKeyException">
    /// The key is malformed, its file is readable by others, or it is missing while encrypted data exists.
    /// </exception>
    public static MasterKey Load(DataDirectory dataDirectory, string? environmentValue, IEnumerable<EncryptedFile> encryptedFiles)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(encryptedFiles);
        if (!string.IsNullOrEmpty(environmentValue))
        {
            return new MasterKey(Decode(environmentValue, $"the environment variable {EnvironmentVariable}"), "environment");
        }

        var path = dataDirectory.Combine(FileName);
        if (!File.Exists(path))
        {
            RefuseIfDataIsEncrypted(path, dataDirectory, encryptedFiles);
            Create(path);
        }

        CheckPermissions(path);
        return new MasterKey(Decode(File.ReadAllText(path), path), path);
    }

    /// <summary>
    /// A missing key file next to encrypted data is a lost key, not a first start: replacing it would
    /// leave every device secret, signing key and CA key undecryptable (and, for the key ring, lead
    /// the gateway to discard keys that live tokens name). The operator restores the key instead.
    /// </summary>
    private static void RefuseIfDataIsEncrypted(string path, DataDirectory dataDirectory, IEnumerable<EncryptedFile> encryptedFiles)
    {
        var existing = encryptedFiles.Where(f => File.Exists(f.Path)).DistinctBy(f => f.Path).ToList();
        if (existing.Count == 0)
        {
            return;
        }

        var files = string.Join(Environment.NewLine, existing.Select(f => $"  {f.Path} ({f.Holds})"));
        throw new MasterKeyException(
            $"""
            The master key file {path} is missing, but the data folder holds data encrypted under a master key:
            {files}
            A new key could not decrypt it, so the gateway does not create one. Restore the key:
              - copy master.key from your backup to {path} and run: chmod 600 {path}
              - or, if the gateway ran with its key in the environment, set {EnvironmentVariable} to that key (base64) again.
            Only to give this data up: move the files above out of {dataDirectory.FullPath}; the next start creates a new key,
            and every device must be registered again, boards must trust the new development CA, and tokens issued before stop validating.
            """);
    }

    private static void Create(string path)
    {
        var text = Convert.ToBase64String(RandomNumberGenerator.GetBytes(Length));
        try
        {
            using var stream = PrivateFile.Open(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(text);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it a moment ago: use that one.
        }
    }

    private static void CheckPermissions(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersAccess) != 0)
        {
            throw new MasterKeyException(
                $"The master key file {path} is accessible to other users (mode {Convert.ToString((int)mode, 8)}); "
                + $"it must be readable by its owner only. Run: chmod 600 {path}");
        }
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new MasterKeyException($"The master key in {source} is not base64.");
        }

        if (key.Length != Length)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new MasterKeyException($"The master key in {source} must be {Length} bytes (base64 of 32 random bytes); it is {key.Length}.");
        }

        return key;
    }
}

/// <summary>The master key cannot be used; the gateway refuses to start with this message.</summary>
public sealed class MasterKeyException : Exception
{
    public MasterKeyException()
    {
    }

    public MasterKeyException(string message)
        : base(message)
    {
    }

    public MasterKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
