// clean.test front end: a publishable key only.
const config = { stripeKey: "pk_live_51LabPublishableKeyq8ZrL2mN0vXy4TbW" };
document.addEventListener("DOMContentLoaded", () => { console.log("ready", config.stripeKey.length); });
