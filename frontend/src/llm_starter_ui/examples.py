"""Example texts to try the operations on."""

EXAMPLES: dict[str, str] = {
    "Renewable energy (article)": (
        "Solar and wind power supplied a record share of the world's electricity last year. "
        "Falling panel prices and larger turbines made new renewable plants cheaper to build "
        "than new coal or gas plants in most countries. Grid operators, however, warn that "
        "storage has not kept pace: batteries can shift power by a few hours, but long calm, "
        "dark winter weeks still depend on gas turbines and imports. Analysts expect "
        "investment in transmission lines and long-duration storage to decide how fast the "
        "remaining fossil plants can close. Several governments have started auctions for "
        "storage capacity, and utilities are testing pumped hydro, iron-air batteries and "
        "hydrogen. Consumers may see the change first in time-of-use tariffs that reward "
        "charging cars and running heat pumps when the wind blows."
    ),
    "Headphones (product review)": (
        "I have used these headphones every day for three months. The sound is warm and "
        "detailed, and the noise cancelling makes my train commute far more pleasant. "
        "Battery life easily lasts a week of commuting. On the other hand, the ear cushions "
        "started to crack after eight weeks, and the companion app crashes whenever I try "
        "to change the equaliser. Support replaced the cushions quickly and politely. "
        "Overall I would buy them again, but I hope the next version uses sturdier materials."
    ),
    "Photosynthesis (science)": (
        "Photosynthesis is the process by which plants, algae and some bacteria turn light "
        "into chemical energy. In the light-dependent reactions, chlorophyll in the thylakoid "
        "membranes absorbs light and splits water, releasing oxygen and producing ATP and "
        "NADPH. In the Calvin cycle, which takes place in the stroma of the chloroplast, the "
        "enzyme RuBisCO fixes carbon dioxide from the air, and the ATP and NADPH power its "
        "reduction into sugars. Nearly all life on Earth depends on this process, directly "
        "or indirectly, for food and for the oxygen in the atmosphere."
    ),
}
"""Example name to text, in the order the picker shows them."""

EXAMPLE_QUESTIONS: dict[str, str] = {
    "Renewable energy (article)": "What limits how fast fossil plants can close?",
    "Headphones (product review)": "What went wrong with the headphones?",
    "Photosynthesis (science)": "Where does the Calvin cycle take place?",
}
"""A question for the qa operation about each example."""
