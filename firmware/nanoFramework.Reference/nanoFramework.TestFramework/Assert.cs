// Declarations from github.com/nanoframework/nanoFramework.TestFramework, source/TestFramework/Assert.cs
// Reference only (compatibility gate): real names and signatures, no implementation.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace nanoFramework.TestFramework
{
    public sealed partial class Assert
    {
        public static void AreSame(object expected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;
        public static void AreNotSame(object notExpected, object actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;
        public static void Contains(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void StartsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void EndsWith(string expected, string value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void IsFalse(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => throw null;
        public static void IsTrue(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => throw null;
        public static void IsInstanceOfType(object value, Type expected, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void IsNotNull([NotNull] object value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void IsNull(object value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
        public static void SkipTest(string message = null) => throw null;
        public static void ThrowsException(Type exception, Action action, [CallerArgumentExpression(nameof(action))] string message = "") => throw null;
    }
}
