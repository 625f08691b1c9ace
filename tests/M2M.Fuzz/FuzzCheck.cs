namespace M2M.Fuzz;

/// <summary>
/// The invariants every target is held to, around <see cref="FuzzTarget.Run"/> (docs/testing.md,
/// "Fuzzing"): no exception escapes (afl-fuzz records one as a crash; the replay tests fail on it),
/// the outcome is one of the target's stable reason codes, and the memory one input makes the
/// parser allocate is bounded by its size. The time limit per input is afl-fuzz's <c>-t</c> and
/// the replay tests' watchdog.
/// </summary>
public static class FuzzCheck
{
    /// <summary>Allowance for any input: parsers build small objects, read JSON, format errors.</summary>
    public const long BaseAllocationBytes = 4 * 1024 * 1024;

    /// <summary>Allowance per input byte: a few copies and decodings of the input, never a blow-up.</summary>
    public const long AllocationBytesPerInputByte = 64;

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/> and checks its invariants; returns the reason.</summary>
    public static string Run(FuzzTarget target, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(input);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var reason = target.Run(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (!target.Reasons.Contains(reason))
        {
            throw new FuzzInvariantException($"{target.Name}: the outcome '{reason}' is not one of its stable reason codes");
        }

        var bound = BaseAllocationBytes + (AllocationBytesPerInputByte * input.Length);
        if (allocated > bound)
        {
            throw new FuzzInvariantException($"{target.Name}: {allocated} bytes allocated for an input of {input.Length} bytes (bound {bound})");
        }

        return reason;
    }
}
