using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InfluenceFunctions.Api.Http;

/// <summary>RFC 7807 problem details for every refusal, so clients always get a reason in the same shape.</summary>
public static class Problems
{
    public const string ProblemJson = "application/problem+json";

    public static ValidationProblem Invalid(string title, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: title, type: "https://httpstatuses.io/400");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid("The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });

    public static NotFoundProblem NotFound(string detail) => new(Of(StatusCodes.Status404NotFound, "Not found.", detail));

    public static ConflictProblem Conflict(string detail) => new(Of(StatusCodes.Status409Conflict, "Conflict.", detail));

    /// <summary>The plain problem (no typed statuses): for answers outside the handlers, such as a host's own key check.</summary>
    public static ProblemHttpResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, "Unauthorized.", detail);

    internal static ProblemHttpResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://httpstatuses.io/{status}", extensions: extensions);
}
