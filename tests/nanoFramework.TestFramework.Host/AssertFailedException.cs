// The real TestFramework declares this type in the TestFrameworkShared namespace.
namespace TestFrameworkShared;

/// <summary>Thrown when an assertion fails.</summary>
public class AssertFailedException : Exception
{
    public AssertFailedException()
    {
    }

    public AssertFailedException(string msg)
        : base(msg)
    {
    }

    public AssertFailedException(string msg, Exception ex)
        : base(msg, ex)
    {
    }
}
