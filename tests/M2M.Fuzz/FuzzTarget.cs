namespace M2M.Fuzz;

/// <summary>
/// One parser that faces the outside, fed arbitrary bytes: a network peer's (gateway) or what flash
/// and the network hand the device (device core). <see cref="Run"/> calls the same functions
/// production calls and returns the outcome as the parser's own stable reason code.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The folder name under tests/fuzz and the afl-fuzz run name.</summary>
    public abstract string Name { get; }

    /// <summary>"gateway" or "device": which side's parser this is (their long runs differ, docs/testing.md).</summary>
    public abstract string Side { get; }

    /// <summary>Every outcome the parser may answer with, acceptance included: its stable reason codes.</summary>
    public abstract IReadOnlySet<string> Reasons { get; }

    /// <summary>
    /// Runs the production parser on <paramref name="input"/> and returns its outcome. Throws
    /// <see cref="FuzzInvariantException"/> when the parser breaks a property it must keep (a
    /// round-trip that does not give back what went in, an acceptance of what it must refuse).
    /// </summary>
    public abstract string Run(byte[] input);
}

/// <summary>A parser broke one of its properties: a finding, as much as an exception it let escape.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);
