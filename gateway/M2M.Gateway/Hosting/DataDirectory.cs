namespace M2M.Gateway.Hosting;

/// <summary>
/// The gateway's data folder (<c>Gateway:DataDirectory</c>, default <c>data</c> under the working
/// directory): registry, master key, key ring, certificates, journal, sink files. Created on first
/// use, readable only by its owner on Unix.
/// </summary>
public sealed class DataDirectory
{
    /// <summary>The configuration key.</summary>
    public const string ConfigurationKey = "Gateway:DataDirectory";

    public DataDirectory(IConfiguration configuration)
        : this(configuration[ConfigurationKey] ?? "data")
    {
    }

    public DataDirectory(string path)
    {
        FullPath = System.IO.Path.GetFullPath(path);
        PrivateFile.CreateFolder(FullPath);
    }

    /// <summary>The absolute path of the folder.</summary>
    public string FullPath { get; }

    /// <summary>A path inside the folder; an absolute <paramref name="relativeOrAbsolute"/> is returned as it is.</summary>
    public string Combine(string relativeOrAbsolute) => System.IO.Path.Combine(FullPath, relativeOrAbsolute);
}
