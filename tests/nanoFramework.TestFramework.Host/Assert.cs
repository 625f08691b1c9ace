using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TestFrameworkShared;

namespace nanoFramework.TestFramework;

/// <summary>
/// The assertions of nanoFramework.TestFramework 3.0.x, with the same overloads, so a device test
/// compiles unchanged for the board and for the host.
/// </summary>
public sealed class Assert
{
    private Assert()
    {
    }

    public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(byte expected, byte actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(char expected, char actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(DateTime expected, DateTime actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(double expected, double actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(float expected, float actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(int expected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(long expected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(object? expected, object? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(sbyte expected, sbyte actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(short expected, short actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(string? expected, string? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(uint expected, uint actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(ulong expected, ulong actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);
    public static void AreEqual(ushort expected, ushort actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected, actual, message);

    public static void AreNotEqual(bool notExpected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(byte notExpected, byte actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(char notExpected, char actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(DateTime notExpected, DateTime actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(double notExpected, double actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(float notExpected, float actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(int notExpected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(long notExpected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(object? notExpected, object? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(sbyte notExpected, sbyte actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(short notExpected, short actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(string? notExpected, string? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(uint notExpected, uint actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(ulong notExpected, ulong actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);
    public static void AreNotEqual(ushort notExpected, ushort actual, [CallerArgumentExpression(nameof(actual))] string message = "") => NotEqual(notExpected, actual, message);

    public static void AreSame(object? expected, object? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Check(ReferenceEquals(expected, actual), "AreSame", message);
    public static void AreNotSame(object? notExpected, object? actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Check(!ReferenceEquals(notExpected, actual), "AreNotSame", message);
    public static void Contains(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value != null && value.Contains(expected, StringComparison.Ordinal), $"Contains: expected '{expected}' in '{value}'", message);
    public static void DoesNotContains(string notExpected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value == null || !value.Contains(notExpected, StringComparison.Ordinal), $"DoesNotContains: '{notExpected}' found in '{value}'", message);
    public static void StartsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value != null && value.StartsWith(expected, StringComparison.Ordinal), $"StartsWith: '{value}' does not start with '{expected}'", message);
    public static void EndsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value != null && value.EndsWith(expected, StringComparison.Ordinal), $"EndsWith: '{value}' does not end with '{expected}'", message);
    public static void IsTrue(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => Check(condition, "IsTrue", message);
    public static void IsFalse(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => Check(!condition, "IsFalse", message);
    public static void IsNull(object? value, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value == null, "IsNull", message);
    public static void IsNotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string message = "")
    {
        if (value == null)
        {
            throw new AssertFailedException($"IsNotNull failed. {message}");
        }
    }

    public static void IsInstanceOfType(object? value, Type expected, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value != null && expected.IsInstanceOfType(value), "IsInstanceOfType", message);
    public static void IsNotInstanceOfType(object? value, Type notExpected, [CallerArgumentExpression(nameof(value))] string message = "") => Check(value == null || !notExpected.IsInstanceOfType(value), "IsNotInstanceOfType", message);

    public static void SkipTest(string? message = null) => throw new SkipTestException(message);

    /// <summary>Passes when <paramref name="action"/> throws exactly <paramref name="exception"/> (not a subclass), as on the device.</summary>
    public static void ThrowsException(Type exception, Action action, [CallerArgumentExpression(nameof(action))] string message = "")
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
        }
        catch (Exception ex) when (ex.GetType() == exception)
        {
            return;
        }
        catch (Exception ex)
        {
            throw new AssertFailedException($"ThrowsException failed: expected {exception.Name}, got {ex.GetType().Name}. {message}", ex);
        }

        throw new AssertFailedException($"ThrowsException failed: expected {exception.Name}, nothing was thrown. {message}");
    }

    private static void Equal(object? expected, object? actual, string message) =>
        Check(Equals(expected, actual), $"AreEqual failed. Expected: <{expected}>. Actual: <{actual}>.", message);

    private static void NotEqual(object? notExpected, object? actual, string message) =>
        Check(!Equals(notExpected, actual), $"AreNotEqual failed. Not expected: <{notExpected}>. Actual: <{actual}>.", message);

    internal static void Check(bool condition, string what, string message)
    {
        if (!condition)
        {
            throw new AssertFailedException($"{what} {message}".Trim());
        }
    }
}

/// <summary>Collection assertions of nanoFramework.TestFramework.</summary>
public sealed class CollectionAssert
{
    private CollectionAssert()
    {
    }

    public static void Empty(ICollection collection, string message = "") => Assert.Check(collection.Count == 0, "Empty", message);

    public static void NotEmpty(ICollection collection, string message = "") => Assert.Check(collection.Count != 0, "NotEmpty", message);

    public static void AreEqual(ICollection expected, ICollection actual, string message = "") => Assert.Check(SameItems(expected, actual), "CollectionAssert.AreEqual failed.", message);

    public static void AreNotEqual(ICollection notExpected, ICollection actual, string message = "") => Assert.Check(!SameItems(notExpected, actual), "CollectionAssert.AreNotEqual failed.", message);

    private static bool SameItems(ICollection expected, ICollection actual)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        var left = expected.GetEnumerator();
        var right = actual.GetEnumerator();
        while (left.MoveNext() && right.MoveNext())
        {
            if (!Equals(left.Current, right.Current))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Test output, as on the device.</summary>
public static class OutputHelper
{
    public static void Write(string message) => Console.Write(message);

    public static void WriteLine(string message) => Console.WriteLine(message);
}
