using System.Text.Json;

namespace InfluenceFunctions.Domain;

/// <summary>
/// How a status or kind is spelt where it is stored or sent: its enum name in kebab case ("AlreadyApplied" ->
/// "already-applied"). Code uses the enum; rows and JSON keep the words they always had.
/// </summary>
public static class StoredNames
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>The enum value spelt <paramref name="text"/>, or <paramref name="fallback"/> for an empty or unknown one.</summary>
    public static T Parse<T>(string? text, T fallback)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(Of(value), text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return fallback;
    }
}

/// <summary>
/// JSON for an enum in its <see cref="StoredNames"/> spelling (kebab case), both ways, and never a number: put on an enum
/// type that views send, so the answers keep their words and the OpenAPI schema lists them.
/// </summary>
public sealed class KebabCaseEnumConverter<T>() : System.Text.Json.Serialization.JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
