namespace M2M.Gateway.Admin;

/// <summary>Configuration of the admin API (<c>Gateway:Admin</c>).</summary>
public sealed class AdminOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Admin";

    /// <summary>
    /// When set, the first admin key, created at first start, is also written to this path
    /// (permissions 0600), for tools and tests that start a gateway and then drive it. Relative
    /// paths are under the data folder.
    /// </summary>
    public string? InitialKeyFile { get; set; }
}
