using System.Net;
using System.Text;
using InfluenceFunctions.Api.Http;
using InfluenceFunctions.Api.Partner;
using InfluenceFunctions.Domain.Ingestion;
using InfluenceFunctions.Storage.Partner;
using InfluenceFunctions.Storage.People;
using InfluenceFunctions.Storage.Topics;
using Microsoft.AspNetCore.Http;

namespace InfluenceFunctions.Api.Profile;

/// <summary>
/// GET /u/{userId}: the page a person shares, with their media-kit card (the same SVG partners get, rendered on the
/// server into web/card/index.html so it shows without script and to link previews). Only visible topics reach it
/// (<see cref="StoredUserTopics.TopTopicsAsync"/> leaves hidden ones out). Withdrawal and erasure are honoured at once: the
/// person's account is read on every request (a point read), and anyone not opted in with a connected network is 404.
/// Answers are not cached, so a withdrawn card disappears on the next request.
/// </summary>
public sealed class PublicCardHandler(AccountStore accounts, ScoreReader reader, StoredUserTopics topics, WebAssets assets)
{
    public const string Template = "card/index.html";
    public const string MissingPage = "card/missing.html";

    public async Task<IResult> GetAsync(string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IngestionValidator.ValidateUserId(userId) is not null)
        {
            return Missing(request);
        }

        var account = await accounts.GetAsync(userId, cancellationToken);
        if (!account.Eligible)
        {
            return Missing(request); // Never opted in, withdrawn (nothing connected) or erased: the same 404 for all.
        }

        var lookup = await reader.GetAsync(userId, cancellationToken);
        if (!lookup.Exists)
        {
            return Missing(request);
        }

        var card = ScoreCard.Render(ScoreCard.From(lookup, await topics.TopTopicsAsync(userId, ScoreDetailsHandler.CardTopics, cancellationToken)));
        var summary = lookup.Row?.Score is { } score ? $"Influence score {score} out of 100" : "Not scored yet";
        var page = Encoding.UTF8.GetString(assets.Find(Template)!.Content)
            .Replace("{{userId}}", WebUtility.HtmlEncode(userId), StringComparison.Ordinal)
            .Replace("{{summary}}", WebUtility.HtmlEncode(summary), StringComparison.Ordinal)
            .Replace("{{card}}", card, StringComparison.Ordinal);
        return new PageResult(StatusCodes.Status200OK, page);
    }

    /// <summary>A browser gets a page saying the card is not there; an API client gets the usual problem.</summary>
    private IResult Missing(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? new PageResult(StatusCodes.Status404NotFound, Encoding.UTF8.GetString(assets.Find(MissingPage)!.Content))
            : Problems.NotFound("No card here: the person is unknown, has withdrawn or was erased.");

    private sealed class PageResult(int status, string html) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var bytes = Encoding.UTF8.GetBytes(html);
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = bytes.Length;
            response.Headers.CacheControl = "no-store";
            WebAssets.SecureHeaders(response, response.ContentType);
            if (!HttpMethods.IsHead(httpContext.Request.Method))
            {
                await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
            }
        }
    }
}
