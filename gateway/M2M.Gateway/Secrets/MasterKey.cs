using System.Security.Cryptography;
using M2M.Gateway.Hosting;

namespace M2M.Gateway.Secrets;

/// <summary>
/// The gateway's 32-byte master key, under which every secret it keeps at rest is encrypted. It
/// comes from the environment variable <c>M2M_MASTER_KEY</c> (base64), or else from
/// <c>master.key</c> in the data folder, created on first start with permissions 0600. Kept apart
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

    /// <summary>Loads the key from <paramref name="environmentValue"/> when set, else from (or into) the file in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="MasterKeyException">The key is malformed, or its file is readable by others.</exception>
    public static MasterKey Load(DataDirectory dataDirectory, string? environmentValue)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if (!string.IsNullOrEmpty(environmentValue))
        {
            return new MasterKey(Decode(environmentValue, $"the environment variable {EnvironmentVariable}"), "environment");
        }

        var path = dataDirectory.Combine(FileName);
        if (!File.Exists(path))
        {
            Create(path);
        }

        CheckPermissions(path);
        return new MasterKey(Decode(File.ReadAllText(path), path), path);
    }

    /// <summary>Loads the key as the gateway does: the environment first, then the data folder.</summary>
    public static MasterKey Load(DataDirectory dataDirectory) =>
        Load(dataDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable));

    private static void Create(string path)
    {
        var text = Convert.ToBase64String(RandomNumberGenerator.GetBytes(Length));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
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
