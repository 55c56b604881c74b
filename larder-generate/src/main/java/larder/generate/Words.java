package larder.generate;

/** Word lists for readable made-up product names and category names. */
final class Words {
  private Words() {}

  static final String[] CATEGORIES = {
      "Coffee", "Tea", "Books", "Garden", "Kitchen", "Toys", "Outdoor", "Music", "Stationery", "Bath",
      "Pets", "Baby", "Tools", "Sports", "Games", "Lighting", "Bakery", "Wine", "Cheese", "Crafts",
      "Beauty", "Camping", "Cycling", "Fitness"};

  static final String[] ADJECTIVES = {
      "Rustic", "Classic", "Cosy", "Bright", "Smoky", "Golden", "Tiny", "Grand", "Silky", "Crisp",
      "Wild", "Quiet", "Bold", "Gentle", "Sturdy", "Velvet", "Sunny", "Misty", "Royal", "Humble",
      "Spicy", "Fresh", "Vintage", "Nordic", "Coastal", "Urban", "Alpine", "Amber", "Indigo", "Maple"};

  static final String[] NOUNS = {
      "Lantern", "Blend", "Notebook", "Planter", "Skillet", "Puzzle", "Blanket", "Kettle", "Candle", "Mug",
      "Backpack", "Journal", "Teapot", "Basket", "Scarf", "Whistle", "Compass", "Pillow", "Jar", "Brush",
      "Rope", "Bottle", "Lamp", "Tray", "Apron", "Bowl", "Satchel", "Spoon", "Clock", "Glove"};
}
