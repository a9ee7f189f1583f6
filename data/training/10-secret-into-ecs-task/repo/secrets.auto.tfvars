# Loaded automatically by terraform; keep this file out of screenshots.
payment_api_key = "pp_live_4eC39HqLyjWDarjtT1zdp7dc9Fq2Lm8R"
