using System.Globalization;

namespace M2M.Device.Compat;

/// <summary>Where the gate finds the device projects and the reference declarations in the repository.</summary>
public static class RepositoryLayout
{
    public const string DeclarationsFolder = "firmware/nanoFramework.Reference";

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds the reference declarations.</summary>
    public static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, DeclarationsFolder)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    public static string[] DeviceProjects(string repositoryRoot) =>
        [.. Directory.EnumerateFiles(Path.Combine(repositoryRoot, "firmware"), "*.nfproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)];

    public static string Summary(this GateResult result) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(result.Project.Path)}: {result.Project.CompileFiles.Count} files, {(result.Passed ? "passed" : $"FAILED ({result.Diagnostics.Count} errors)")}");
}
