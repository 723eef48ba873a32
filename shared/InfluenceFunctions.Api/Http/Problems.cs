using Microsoft.AspNetCore.Http;
using InfluenceFunctions.Api;
using InfluenceFunctions.Api.Ingestion;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Api.People;
using InfluenceFunctions.Api.Runs;
using InfluenceFunctions.Api.Topics;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.Api.Http;

/// <summary>RFC 7807 problem details for every refusal, so clients always get a reason in the same shape.</summary>
public static class Problems
{
    public static IResult Invalid(string title, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: title, type: "https://httpstatuses.io/400");

    public static IResult Invalid(string field, string message) =>
        Invalid("The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.", type: "https://httpstatuses.io/404");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.", type: "https://httpstatuses.io/409");

    public static IResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large.", type: "https://httpstatuses.io/413");

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", type: "https://httpstatuses.io/401");
}
