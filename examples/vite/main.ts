// Change the type below (e.g. `const message: number = ...`): the overlay lists the error.
const message: string = 'Hello from Vite, with the sidecar beside it.';
const target = document.querySelector('#message');
if (target) target.textContent = message;
