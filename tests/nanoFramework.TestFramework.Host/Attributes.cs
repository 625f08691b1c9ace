namespace nanoFramework.TestFramework;

/// <summary>Marks a class that holds device tests (nanoFramework.TestFramework's TestClassAttribute).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public class TestClassAttribute : Attribute
{
    public virtual TestMethodAttribute GetTestMethodAttribute(TestMethodAttribute testMethodAttribute) => testMethodAttribute;
}

/// <summary>Marks a test method.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public class TestMethodAttribute : Attribute;

/// <summary>Marks the method that prepares a test class.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public class SetupAttribute : Attribute;

/// <summary>Marks the method that cleans up after a test class.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public class CleanupAttribute : Attribute;

/// <summary>Runs the test method once per row with these arguments.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public class DataRowAttribute : Attribute
{
    public DataRowAttribute(params object[] methodParameters) => MethodParameters = methodParameters;

    public object[] MethodParameters { get; }
}

/// <summary>Thrown by <see cref="Assert.SkipTest"/> to skip the running test.</summary>
public class SkipTestException : Exception
{
    public SkipTestException(string? message = null, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
