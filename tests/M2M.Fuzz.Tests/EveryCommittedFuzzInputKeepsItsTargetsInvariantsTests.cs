namespace M2M.Fuzz.Tests;

/// <summary>
/// Every committed corpus and regression input goes through its target with the invariants of
/// <see cref="FuzzCheck"/>: no exception escapes, no hang, bounded allocation, a stable reason code,
/// and the target's own properties (round trips, agreement between decoders). A regression input
/// is a crash afl-fuzz found once; it stays here so that the defect cannot come back.
/// </summary>
public class EveryCommittedFuzzInputKeepsItsTargetsInvariantsTests
{
    [Theory]
    [MemberData(nameof(FuzzInputs.All), MemberType = typeof(FuzzInputs))]
    public void TheInputKeepsTheInvariants(string target, string kind, string name)
    {
        var reason = FuzzInputs.Replay(target, FuzzInputs.Read(target, kind, name));
        Assert.Contains(reason, FuzzTargets.Create(target)!.Reasons);
    }

    [Fact]
    public void EveryTargetHasASeedCorpusAndEveryCorpusATarget()
    {
        foreach (var target in FuzzTargets.Names)
        {
            var corpus = Path.Combine(FuzzInputs.Root, target, "corpus");
            Assert.True(Directory.Exists(corpus) && Directory.GetFiles(corpus).Length > 0, $"{target} has no seed corpus under tests/fuzz/{target}/corpus");
        }

        foreach (var folder in Directory.GetDirectories(FuzzInputs.Root))
        {
            Assert.Contains(Path.GetFileName(folder), FuzzTargets.Names);
        }
    }
}
