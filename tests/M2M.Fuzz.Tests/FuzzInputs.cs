namespace M2M.Fuzz.Tests;

/// <summary>The committed fuzz inputs (tests/fuzz/&lt;target&gt;/corpus and regressions), as copied next to the tests.</summary>
public static class FuzzInputs
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fuzz");

    /// <summary>Every (target, kind, file name) of the corpora and regressions.</summary>
    public static TheoryData<string, string, string> All()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var kind in new[] { "corpus", "regressions" })
            {
                var folder = Path.Combine(Root, target, kind);
                if (Directory.Exists(folder))
                {
                    foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
                    {
                        data.Add(target, kind, Path.GetFileName(file));
                    }
                }
            }
        }

        return data;
    }

    public static byte[] Read(string target, string kind, string name) => File.ReadAllBytes(Path.Combine(Root, target, kind, name));

    /// <summary>
    /// Runs one input through its target with the invariants checked, on its own thread, and fails
    /// on a hang: far above any input's time (they take milliseconds), so only a loop that does not
    /// end trips it.
    /// </summary>
    public static string Replay(string target, byte[] input)
    {
        var fuzzTarget = FuzzTargets.Create(target) ?? throw new ArgumentException($"no target {target}", nameof(target));
        var run = Task.Factory.StartNew(() => FuzzCheck.Run(fuzzTarget, input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), $"{target}: the input did not finish within 60 s (a hang)");
        return run.Result;
    }
}
